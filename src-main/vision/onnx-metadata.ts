/**
 * Reads `metadata_props` (ModelProto field 14) from an ONNX file. onnxruntime-node exposes no
 * custom metadata, and this one field does not justify a protobuf schema dependency: the reader
 * walks the top-level fields and skips all others (the graph included) by their length.
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const props: Record<string, string> = {};
  const top = new ProtoReader(bytes, 0, bytes.length);
  while (!top.done()) {
    const { field, wire } = top.tag();
    if (field === 14 && wire === 2) {
      const [start, end] = top.span();
      const entry = new ProtoReader(bytes, start, end);
      let key = '';
      let value = '';
      while (!entry.done()) {
        const t = entry.tag();
        if (t.wire !== 2) {
          entry.skip(t.wire);
          continue;
        }
        const [s, e] = entry.span();
        const text = new TextDecoder().decode(bytes.subarray(s, e));
        if (t.field === 1) key = text;
        else if (t.field === 2) value = text;
      }
      if (key) props[key] = value;
    } else {
      top.skip(wire);
    }
  }
  return props;
}

class ProtoReader {
  #pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.#pos = start;
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
