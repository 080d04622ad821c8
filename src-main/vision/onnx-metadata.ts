import { fieldsOf } from './onnx-graph';
import { ProtoReader, ProtoWriter } from './onnx-proto';

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

/**
 * The same model with `metadata_props` entries set (a string) or removed (undefined); every other field,
 * the graph included, is copied through byte for byte.
 */
export function writeOnnxMetadata(bytes: Uint8Array, set: Readonly<Record<string, string | undefined>>): Uint8Array {
  const out = new ProtoWriter();
  for (const field of fieldsOf(bytes)) {
    if (field.field === 14 && field.payload) {
      const entry = readOnnxMetadata(bytes.subarray(field.start, field.end));
      if (Object.keys(entry).some((k) => Object.hasOwn(set, k))) continue;
    }
    out.raw(bytes.subarray(field.start, field.end));
  }
  for (const [key, value] of Object.entries(set)) {
    if (value !== undefined) out.bytesField(14, new ProtoWriter().stringField(1, key).stringField(2, value).bytes());
  }
  return out.bytes();
}
