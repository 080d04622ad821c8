import { DataType, fieldsOf, readNode, readTensor, type FieldSpan, type NodeView, type TensorView } from './onnx-graph';
import { ProtoWriter } from './onnx-proto';

export interface DequantizeResult {
  /** The rewritten model (the input itself when nothing was converted). */
  readonly bytes: Uint8Array;
  /** ConvInteger nodes turned into float Conv, of all ConvInteger nodes in the graph. */
  readonly converted: number;
  readonly total: number;
}

/**
 * Turns dynamically quantised convolutions back into float ones, in memory, before the session loads.
 *
 * `quantize_dynamic` writes each Conv as DynamicQuantizeLinear → ConvInteger → Cast → Mul(scale)
 * [→ Add(bias)]. onnxruntime's CPU ConvInteger has no optimised kernel (its cost hardly depends on the
 * image size: ~95 ms per frame for YOLOv8n at 320 and at 640 on this hardware), while float Conv is
 * prepacked and vectorised. Dequantising the int8 weights once — w = (q − zero) × scale, per tensor or
 * per output channel — gives the same network at float precision (closer to the trained model, not
 * further) at a fraction of the cost. Any chain that does not match exactly is left as it is.
 */
export function dequantizeConvs(bytes: Uint8Array): DequantizeResult {
  const top = fieldsOf(bytes);
  const graphFields = top.filter((f) => f.field === 7 && f.payload);
  if (graphFields.length !== 1) throw new Error('the model has no graph');
  const graphField = graphFields[0]!;
  const fields = fieldsOf(bytes, ...graphField.payload!);

  const nodes: { field: FieldSpan; node: NodeView }[] = [];
  const initializers = new Map<string, { field: FieldSpan; tensor: TensorView }>();
  const initializerNames = new Map<FieldSpan, string>();
  for (const f of fields) {
    if (f.field === 1) nodes.push({ field: f, node: readNode(bytes, f.payload!) });
    else if (f.field === 5) {
      const tensor = readTensor(bytes, f.payload!);
      initializers.set(tensor.name, { field: f, tensor });
      initializerNames.set(f, tensor.name);
    }
  }
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  nodes.forEach(({ node }, i) => {
    for (const o of node.outputs) producer.set(o, i);
    for (const input of node.inputs) if (input) (consumers.get(input) ?? consumers.set(input, []).get(input)!).push(i);
  });
  const only = (name: string, op: string): number | undefined => {
    const c = consumers.get(name) ?? [];
    return c.length === 1 && nodes[c[0]!]!.node.opType === op ? c[0] : undefined;
  };
  const tensor = (name: string | undefined) => (name === undefined ? undefined : initializers.get(name)?.tensor);

  const removed = new Set<number>();
  const replacements = new Map<number, { bytes: Uint8Array; inputs: string[]; output: string }>();
  const added: Uint8Array[] = [];
  let total = 0;
  nodes.forEach(({ node }, index) => {
    if (node.opType !== 'ConvInteger' || (node.domain !== '' && node.domain !== 'ai.onnx')) return;
    total++;
    const chain = matchChain(index);
    if (!chain) return;
    const { weight, zero, scale, bias, x, output, parts } = chain;
    const [m] = weight.dims as [number];
    const perChannel = weight.values();
    const zeros = zero?.values() ?? new Float64Array(1);
    const scales = scale.values();
    const out = new Float32Array(perChannel.length);
    const step = perChannel.length / m;
    for (let c = 0; c < m; c++) {
      const z = zeros.length === 1 ? zeros[0]! : zeros[c]!;
      const s = scales.length === 1 ? scales[0]! : scales[c]!;
      for (let i = c * step; i < (c + 1) * step; i++) out[i] = (perChannel[i]! - z) * s;
    }
    const weightName = `${weight.name}_dequantized`;
    added.push(floatTensor(weightName, weight.dims, out));
    const inputs = [x, weightName];
    if (bias) {
      const biasName = `${bias.name}_conv_bias`;
      added.push(floatTensor(biasName, [m], Float32Array.from(bias.values())));
      inputs.push(biasName);
    }
    const conv = new ProtoWriter();
    for (const input of inputs) conv.stringField(1, input);
    conv.stringField(2, output).stringField(3, `${node.name}_float`).stringField(4, 'Conv');
    for (const attribute of node.attributes) conv.bytesField(5, attribute);
    replacements.set(index, { bytes: conv.bytes(), inputs, output });
    for (const p of parts) removed.add(p);
  });
  if (replacements.size === 0) return { bytes, converted: 0, total };

  // The quantisers and bias reshapes the converted convs leave without a consumer go too.
  const newInputs = new Set([...replacements.values()].flatMap((r) => r.inputs));
  const outputs = graphOutputs();
  nodes.forEach(({ node }, i) => {
    if (removed.has(i) || replacements.has(i)) return;
    if (node.opType !== 'DynamicQuantizeLinear' && node.opType !== 'Reshape') return;
    const used = node.outputs.some(
      (o) =>
        newInputs.has(o) ||
        outputs.has(o) ||
        (consumers.get(o) ?? []).some((c) => !removed.has(c) && !replacements.has(c)),
    );
    if (!used) removed.add(i);
  });
  const stillUsed = new Set<string>(newInputs);
  nodes.forEach(({ node }, i) => {
    if (!removed.has(i) && !replacements.has(i)) for (const input of node.inputs) stillUsed.add(input);
  });
  const produced = new Set<string>();
  nodes.forEach(({ node }, i) => {
    if (!removed.has(i) && !replacements.has(i)) for (const o of node.outputs) produced.add(o);
  });
  for (const r of replacements.values()) produced.add(r.output);

  const graph = new ProtoWriter();
  const nodeIndex = new Map(nodes.map((n, i) => [n.field, i]));
  for (const f of fields) {
    if (f.field === 1) {
      const i = nodeIndex.get(f)!;
      if (replacements.has(i)) graph.bytesField(1, replacements.get(i)!.bytes);
      else if (!removed.has(i)) graph.raw(bytes.subarray(f.start, f.end));
    } else if (f.field === 5) {
      const name = initializerNames.get(f)!;
      const consumedByRemovedOnly = (consumers.get(name) ?? []).length > 0 && !stillUsed.has(name);
      if (!consumedByRemovedOnly) graph.raw(bytes.subarray(f.start, f.end));
    } else if (f.field === 13) {
      // value_info for tensors that no longer exist (the int32 ConvInteger outputs) would only confuse.
      const name = valueInfoName(bytes, f.payload!);
      if (produced.has(name) || initializers.has(name)) graph.raw(bytes.subarray(f.start, f.end));
    } else graph.raw(bytes.subarray(f.start, f.end));
  }
  for (const t of added) graph.bytesField(5, t);

  const model = new ProtoWriter();
  for (const f of top) {
    if (f === graphField) model.bytesField(7, graph.bytes());
    else model.raw(bytes.subarray(f.start, f.end));
  }
  return { bytes: model.bytes(), converted: replacements.size, total };

  function graphOutputs(): Set<string> {
    const names = new Set<string>();
    for (const f of fields) if (f.field === 12) names.add(valueInfoName(bytes, f.payload!));
    return names;
  }

  function matchChain(index: number) {
    const conv = nodes[index]!.node;
    const [xq, w, xzp, wzp] = conv.inputs;
    const quantize = xq === undefined ? undefined : producer.get(xq);
    if (quantize === undefined) return undefined;
    const dql = nodes[quantize]!.node;
    if (dql.opType !== 'DynamicQuantizeLinear' || dql.outputs[0] !== xq) return undefined;
    if (xzp !== undefined && xzp !== '' && xzp !== dql.outputs[2]) return undefined;
    const weight = tensor(w);
    if (!weight || weight.dims.length !== 4) return undefined;
    if (weight.dataType !== DataType.INT8 && weight.dataType !== DataType.UINT8) return undefined;
    const channels = weight.dims[0]!;
    const zero = wzp ? tensor(wzp) : undefined;
    if (wzp && (!zero || !fitsChannels(zero, channels))) return undefined;
    const cast = only(conv.outputs[0]!, 'Cast');
    if (cast === undefined || nodes[cast]!.node.ints.to !== DataType.FLOAT) return undefined;
    const mul = only(nodes[cast]!.node.outputs[0]!, 'Mul');
    if (mul === undefined) return undefined;
    const castOut = nodes[cast]!.node.outputs[0]!;
    const mulInputs = nodes[mul]!.node.inputs;
    const scaleName = mulInputs[0] === castOut ? mulInputs[1] : mulInputs[0];
    const scaleMul = scaleName === undefined ? undefined : producer.get(scaleName);
    if (scaleMul === undefined || (consumers.get(scaleName!) ?? []).length !== 1) return undefined;
    const sm = nodes[scaleMul]!.node;
    if (sm.opType !== 'Mul' || !sm.inputs.includes(dql.outputs[1]!)) return undefined;
    const scale = tensor(sm.inputs.find((i) => i !== dql.outputs[1]));
    if (!scale || scale.dataType !== DataType.FLOAT || !fitsChannels(scale, channels)) return undefined;
    const parts = [index, cast, mul, scaleMul];
    let output = nodes[mul]!.node.outputs[0]!;
    let bias: TensorView | undefined;
    const add = only(output, 'Add');
    if (add !== undefined) {
      const other = nodes[add]!.node.inputs.find((i) => i !== output);
      const reshape = other === undefined ? undefined : producer.get(other);
      const candidate = reshape === undefined ? undefined : tensor(nodes[reshape]!.node.inputs[0]);
      const count = candidate?.dims.reduce((n, d) => n * d, 1);
      if (
        nodes[reshape ?? -1]?.node.opType === 'Reshape' &&
        candidate?.dataType === DataType.FLOAT &&
        count === channels
      ) {
        bias = candidate;
        parts.push(add);
        output = nodes[add]!.node.outputs[0]!;
      }
    }
    return { weight, zero, scale, bias, x: dql.inputs[0]!, output, parts };
  }
}

function fitsChannels(t: TensorView, channels: number): boolean {
  const count = t.dims.reduce((n, d) => n * d, 1);
  return count === 1 || count === channels;
}

function floatTensor(name: string, dims: readonly number[], data: Float32Array): Uint8Array {
  const t = new ProtoWriter();
  for (const d of dims) t.varintField(1, d);
  t.varintField(2, DataType.FLOAT).stringField(8, name);
  t.bytesField(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return t.bytes();
}

function valueInfoName(bytes: Uint8Array, span: readonly [number, number]): string {
  const name = fieldsOf(bytes, ...span).find((f) => f.field === 1 && f.payload);
  return name ? new TextDecoder().decode(bytes.subarray(...name.payload!)) : '';
}
