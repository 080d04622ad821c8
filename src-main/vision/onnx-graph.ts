import { ProtoReader } from './onnx-proto';

/** ONNX TensorProto data types the rewrite reads. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;

export interface NodeView {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Each AttributeProto as encoded bytes (copied through when the node is rebuilt). */
  readonly attributes: readonly Uint8Array[];
  /** Integer attributes by name (e.g. Cast's `to`). */
  readonly ints: Readonly<Record<string, number>>;
}

export interface TensorView {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  /** Element values as numbers (small tensors and weights only: int8/uint8/int32/float). */
  values(): Float64Array;
}

/** One top-level field of a message: its number and the bytes of the whole field (tag included). */
export interface FieldSpan {
  readonly field: number;
  readonly start: number;
  readonly end: number;
  /** Payload of a length-delimited field. */
  readonly payload?: readonly [number, number];
}

export function fieldsOf(bytes: Uint8Array, start = 0, end = bytes.length): FieldSpan[] {
  const reader = new ProtoReader(bytes, start, end);
  const fields: FieldSpan[] = [];
  while (!reader.done()) {
    const at = reader.position;
    const { field, wire } = reader.tag();
    if (wire === 2) {
      const payload = reader.span();
      fields.push({ field, start: at, end: reader.position, payload });
    } else {
      reader.skip(wire);
      fields.push({ field, start: at, end: reader.position });
    }
  }
  return fields;
}

const text = (bytes: Uint8Array, [s, e]: readonly [number, number]) => new TextDecoder().decode(bytes.subarray(s, e));

export function readNode(bytes: Uint8Array, [start, end]: readonly [number, number]): NodeView {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes: Uint8Array[] = [];
  const ints: Record<string, number> = {};
  let name = '';
  let opType = '';
  let domain = '';
  for (const f of fieldsOf(bytes, start, end)) {
    if (!f.payload) continue;
    if (f.field === 1) inputs.push(text(bytes, f.payload));
    else if (f.field === 2) outputs.push(text(bytes, f.payload));
    else if (f.field === 3) name = text(bytes, f.payload);
    else if (f.field === 4) opType = text(bytes, f.payload);
    else if (f.field === 7) domain = text(bytes, f.payload);
    else if (f.field === 5) {
      attributes.push(bytes.subarray(f.payload[0], f.payload[1]));
      const attr = readIntAttribute(bytes, f.payload);
      if (attr) ints[attr[0]] = attr[1];
    }
  }
  return { name, opType, domain, inputs, outputs, attributes, ints };
}

/** AttributeProto name (1) and i (3), when it has an integer value. */
function readIntAttribute(bytes: Uint8Array, [start, end]: readonly [number, number]): [string, number] | undefined {
  const reader = new ProtoReader(bytes, start, end);
  let name: string | undefined;
  let value: number | undefined;
  while (!reader.done()) {
    const { field, wire } = reader.tag();
    if (field === 1 && wire === 2) name = text(bytes, reader.span());
    else if (field === 3 && wire === 0) value = reader.varint();
    else reader.skip(wire);
  }
  return name !== undefined && value !== undefined ? [name, value] : undefined;
}

export function readTensor(bytes: Uint8Array, [start, end]: readonly [number, number]): TensorView {
  const dims: number[] = [];
  let name = '';
  let dataType = 0;
  let raw: [number, number] | undefined;
  const packed: Record<number, [number, number][]> = {};
  const unpacked: Record<number, number[]> = {};
  let external = false;
  const reader = new ProtoReader(bytes, start, end);
  while (!reader.done()) {
    const { field, wire } = reader.tag();
    if (field === 1) {
      if (wire === 2) {
        const [s, e] = reader.span();
        const inner = new ProtoReader(bytes, s, e);
        while (!inner.done()) dims.push(inner.varint());
      } else dims.push(reader.varint());
    } else if (field === 2 && wire === 0) dataType = reader.varint();
    else if (field === 8 && wire === 2) name = text(bytes, reader.span());
    else if (field === 9 && wire === 2) raw = reader.span();
    else if (field === 14 && wire === 0) external = reader.varint() === 1;
    else if ((field === 4 || field === 5) && wire === 2) (packed[field] ??= []).push(reader.span());
    else if (field === 5 && wire === 0) (unpacked[5] ??= []).push(reader.int32());
    else reader.skip(wire);
  }
  const count = dims.reduce((n, d) => n * d, 1);
  return {
    name,
    dims,
    dataType,
    values(): Float64Array {
      if (external) throw new Error(`tensor ${name} keeps its data in an external file`);
      const out = new Float64Array(count);
      if (raw) {
        const width = dataType === DataType.INT32 || dataType === DataType.FLOAT ? 4 : 1;
        if (raw[1] - raw[0] !== count * width)
          throw new Error(`tensor ${name} holds ${raw[1] - raw[0]} bytes for ${count} elements`);
        const view = new DataView(bytes.buffer, bytes.byteOffset + raw[0], raw[1] - raw[0]);
        for (let i = 0; i < count; i++) {
          if (dataType === DataType.UINT8) out[i] = view.getUint8(i);
          else if (dataType === DataType.INT8) out[i] = view.getInt8(i);
          else if (dataType === DataType.INT32) out[i] = view.getInt32(i * 4, true);
          else if (dataType === DataType.FLOAT) out[i] = view.getFloat32(i * 4, true);
          else throw new Error(`tensor ${name} has data type ${dataType}, which the rewrite does not read`);
        }
        return out;
      }
      if (dataType === DataType.FLOAT) {
        const [s, e] = packed[4]?.[0] ?? [0, 0];
        const view = new DataView(bytes.buffer, bytes.byteOffset + s, e - s);
        if (e - s !== count * 4) throw new Error(`tensor ${name} holds ${(e - s) / 4} floats for ${count} elements`);
        for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
        return out;
      }
      // int8/uint8/int32 without raw_data live in int32_data (field 5), packed or not.
      const ints: number[] = [...(unpacked[5] ?? [])];
      for (const [s, e] of packed[5] ?? []) {
        const inner = new ProtoReader(bytes, s, e);
        while (!inner.done()) ints.push(inner.int32());
      }
      if (ints.length !== count) throw new Error(`tensor ${name} holds ${ints.length} values for ${count} elements`);
      out.set(ints);
      return out;
    },
  };
}
