import { ProtoReader } from './onnx-proto';

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
