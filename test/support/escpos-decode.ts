// Reads an ESC/POS byte stream back as a person would see the paper: text lines, barcodes, QR codes,
// cuts. It knows the commands the receipt encoder emits; any other byte throws with its offset, so a
// test notices a layout that sends something unexpected.

export interface DecodedEscPos {
  /** Printed text lines, trailing spaces removed. */
  readonly lines: string[];
  /** Each line's printed width in font-A columns (a double-width character counts 2), trailing spaces included. */
  readonly lineWidths: number[];
  readonly barcodes: { type: string; data: string }[];
  /** Data stored for QR codes (GS ( k, function 80). */
  readonly qrcodes: string[];
  cuts: number;
}

const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
if ([...CP437_HIGH].length !== 128) throw new Error('escpos-decode: the cp437 table must have 128 characters');

const WINDOWS_1252 = new TextDecoder('windows-1252');
/** ESC t n as the encoder's Epson mapping numbers the code pages (only those a test prints). */
const CODEPAGES: Record<number, (byte: number) => string> = {
  0: (byte) => (byte < 0x80 ? String.fromCharCode(byte) : [...CP437_HIGH][byte - 0x80]!),
  16: (byte) => WINDOWS_1252.decode(Uint8Array.of(byte)),
};

const SYMBOLOGIES: Record<number, string> = {
  0: 'upca',
  1: 'upce',
  2: 'ean13',
  3: 'ean8',
  4: 'code39',
  5: 'itf',
  6: 'codabar',
  0x48: 'code93',
  0x49: 'code128',
  0x4a: 'gs1-128',
  0x4f: 'code128-auto',
};

const hex = (byte: number): string => `0x${byte.toString(16).padStart(2, '0')}`;

export function decodeEscPos(input: Uint8Array): DecodedEscPos {
  return new Reader(input).read();
}

class Reader {
  readonly #b: Uint8Array;
  readonly #out: DecodedEscPos = { lines: [], lineWidths: [], barcodes: [], qrcodes: [], cuts: 0 };
  #i = 0;
  #line = '';
  #width = 0;
  #charWidth = 1;
  #codepage = 0;

  constructor(bytes: Uint8Array) {
    this.#b = bytes;
  }

  read(): DecodedEscPos {
    while (this.#i < this.#b.length) {
      const byte = this.#b[this.#i]!;
      if (byte === 0x0a) this.#endLine(1);
      else if (byte === 0x0d) this.#i += 1;
      else if (byte >= 0x20) this.#text(byte);
      else if (byte === 0x10) this.#dle();
      else if (byte === 0x1c) this.#fs();
      else if (byte === 0x1b) this.#esc();
      else if (byte === 0x1d) this.#gs();
      else throw new Error(`unknown ESC/POS byte ${hex(byte)} at offset ${this.#i}`);
    }
    if (this.#line.length > 0) this.#endLine(0);
    return this.#out;
  }

  #endLine(consumed: number): void {
    this.#out.lines.push(this.#line.trimEnd());
    this.#out.lineWidths.push(this.#width);
    this.#line = '';
    this.#width = 0;
    this.#i += consumed;
  }

  #text(byte: number): void {
    const decode = CODEPAGES[this.#codepage];
    if (!decode)
      throw new Error(`code page ${this.#codepage} (ESC t) is unknown to escpos-decode, at offset ${this.#i}`);
    this.#line += decode(byte);
    this.#width += this.#charWidth;
    this.#i += 1;
  }

  /** The byte `k` places on, checking that the command is not cut short. */
  #at(k: number): number {
    const index = this.#i + k;
    if (index >= this.#b.length) throw new Error(`ESC/POS command at offset ${this.#i} is cut short`);
    return this.#b[index]!;
  }

  #unknown(prefix: string): never {
    throw new Error(`unknown ESC/POS command ${prefix} ${hex(this.#at(1))} at offset ${this.#i}`);
  }

  #dle(): void {
    if (this.#at(1) !== 0x04) this.#unknown('DLE');
    this.#at(2);
    this.#i += 3; // DLE EOT n: a status request, nothing printed
  }

  #fs(): void {
    if (this.#at(1) !== 0x2e && this.#at(1) !== 0x26) this.#unknown('FS');
    this.#i += 2; // FS . / FS &: single-byte or Kanji character mode
  }

  #esc(): void {
    const command = String.fromCharCode(this.#at(1));
    if (command === '@') {
      this.#codepage = 0;
      this.#charWidth = 1;
      this.#i += 2;
    } else if (command === '2') {
      this.#i += 2;
    } else if ('ME-4a!G3JRV{dt'.includes(command)) {
      const n = this.#at(2);
      if (command === 't') this.#codepage = n;
      if (command === '!') this.#charWidth = n & 0x20 ? 2 : 1;
      this.#i += 3;
      for (let k = 0; command === 'd' && k < n; k++) this.#endLine(0);
    } else if (command === 'p') {
      this.#at(4);
      this.#i += 5;
    } else if (command === '*') {
      const dots = this.#at(3) + 256 * this.#at(4);
      this.#i += 5 + (this.#at(2) >= 32 ? 3 * dots : dots);
    } else {
      this.#unknown('ESC');
    }
  }

  #gs(): void {
    const command = String.fromCharCode(this.#at(1));
    const n = this.#at(2);
    if (command === '!') {
      this.#charWidth = ((n >> 4) & 0x07) + 1;
      this.#i += 3;
    } else if ('BhwHfab'.includes(command)) {
      this.#i += 3;
    } else if (command === 'L' || command === 'W') {
      this.#at(3);
      this.#i += 4;
    } else if (command === 'V') {
      if (this.#line.length > 0) this.#endLine(0);
      this.#out.cuts += 1;
      if (n >= 65) this.#at(3); // GS V m n: cut after feeding n
      this.#i += n >= 65 ? 4 : 3;
    } else if (command === 'k') {
      this.#barcode(n);
    } else if (command === '(' && n === 0x6b) {
      this.#twoDimensional();
    } else if (command === 'v' && n === 0x30) {
      const bytes = (this.#at(4) + 256 * this.#at(5)) * (this.#at(6) + 256 * this.#at(7));
      this.#i += 8 + bytes;
    } else {
      this.#unknown('GS');
    }
  }

  /** GS ( k pL pH cn fn …: QR (cn 49) data is stored by fn 80, after its m byte. */
  #twoDimensional(): void {
    const length = this.#at(3) + 256 * this.#at(4);
    const start = this.#i + 5;
    if (length > 0) this.#at(4 + length);
    if (this.#b[start] === 0x31 && this.#b[start + 1] === 0x50) {
      // The encoder stores the text as ISO 8859-1.
      this.#out.qrcodes.push(String.fromCharCode(...this.#b.subarray(start + 3, start + length)));
    }
    this.#i = start + length;
  }

  /** GS k m: function A (m < 65) data ends with NUL; function B has a length byte. */
  #barcode(m: number): void {
    const type = SYMBOLOGIES[m] ?? `symbology ${m}`;
    let data: Uint8Array;
    if (m < 0x41) {
      const nul = this.#b.indexOf(0, this.#i + 3);
      if (nul < 0) throw new Error(`barcode at offset ${this.#i} has no NUL terminator`);
      data = this.#b.subarray(this.#i + 3, nul);
      this.#i = nul + 1;
    } else {
      const length = this.#at(3);
      if (length > 0) this.#at(3 + length);
      data = this.#b.subarray(this.#i + 4, this.#i + 4 + length);
      this.#i += 4 + length;
    }
    let text = String.fromCharCode(...data);
    // Code128 data starts with its code set ({A, {B or {C}; a literal { is written {{.
    if (type === 'code128') text = text.replace(/^\{[ABC]/, '').replace(/\{\{/g, '{');
    this.#out.barcodes.push({ type, data: text });
  }
}
