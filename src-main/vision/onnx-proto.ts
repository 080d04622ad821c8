/**
 * Just enough protobuf to walk an ONNX file: a reader over fields and a writer for the few messages
 * the kiosk rewrites (see onnx-dequantize.ts). No schema dependency; unknown fields pass through.
 */
export class ProtoReader {
  #pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.#pos = start;
  }

  /** Where the next field starts. */
  get position(): number {
    return this.#pos;
  }

  done(): boolean {
    return this.#pos >= this.end;
  }

  tag(): { field: number; wire: number } {
    const key = this.varint();
    return { field: Math.floor(key / 8), wire: key % 8 };
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.#pos >= this.end) throw new Error('not an ONNX model: the file ends inside a number');
      const byte = this.bytes[this.#pos++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new Error('not an ONNX model: a number is too long');
    }
  }

  /** A varint's low 32 bits as a signed integer (int32 fields; negative values are sign-extended on the wire). */
  int32(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.#pos >= this.end) throw new Error('not an ONNX model: the file ends inside a number');
      if (shift > 63) throw new Error('not an ONNX model: a number is too long');
      const byte = this.bytes[this.#pos++]!;
      if (shift < 32) result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result | 0;
    }
  }

  /** A length-delimited field: [start, end) of its bytes, moving past them. */
  span(): [number, number] {
    const length = this.varint();
    const start = this.#pos;
    if (start + length > this.end) throw new Error('not an ONNX model: a field runs past the end of the file');
    this.#pos += length;
    return [start, start + length];
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.#advance(8);
    else if (wire === 2) this.span();
    else if (wire === 5) this.#advance(4);
    else throw new Error(`not an ONNX model: unknown protobuf wire type ${wire}`);
  }

  #advance(n: number): void {
    if (this.#pos + n > this.end) throw new Error('not an ONNX model: the file is truncated');
    this.#pos += n;
  }
}

/** Appends protobuf fields; `bytes()` joins them. */
export class ProtoWriter {
  readonly #parts: Uint8Array[] = [];

  varintField(field: number, value: number): this {
    this.#parts.push(varint(field * 8), varint(value));
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.#parts.push(varint(field * 8 + 2), varint(value.length), value);
    return this;
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  /** Bytes already encoded as whole fields (copied through unchanged). */
  raw(value: Uint8Array): this {
    this.#parts.push(value);
    return this;
  }

  bytes(): Uint8Array {
    const length = this.#parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(length);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

function varint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`cannot encode ${value} as a protobuf varint`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}
