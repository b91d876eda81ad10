import {
  bytesField,
  concat,
  type Field,
  floatField,
  intField,
  messageField,
  stringField,
} from "./protobuf.js";

/**
 * Builders for the subset of the ONNX schema (onnx.proto, IR version 8) that the tiny test model uses.
 * Field numbers follow the public ONNX specification.
 */

export const DataType = { FLOAT: 1, INT64: 7 } as const;
type DType = (typeof DataType)[keyof typeof DataType];

/** A dimension is a fixed size or a symbolic name such as "batch_size". */
type Dim = number | string;

export interface Tensor {
  name: string;
  dims: number[];
  type: DType;
  /** float32 or int64 values, row-major */
  values: number[];
}

function tensor(t: Tensor): Field[] {
  const raw =
    t.type === DataType.FLOAT
      ? Buffer.from(Float32Array.from(t.values).buffer)
      : Buffer.from(BigInt64Array.from(t.values.map((v) => BigInt(v))).buffer);
  return [
    ...t.dims.map((d) => intField(1, d)),
    intField(2, t.type),
    stringField(8, t.name),
    bytesField(9, raw),
  ];
}

export type Attr =
  | { name: string; int: number }
  | { name: string; ints: number[] }
  | { name: string; float: number }
  | { name: string; tensor: Tensor };

function attribute(a: Attr): Field[] {
  const head = stringField(1, a.name);
  if ("int" in a) return [head, intField(3, a.int), intField(20, 2)];
  if ("ints" in a) return [head, ...a.ints.map((i) => intField(8, i)), intField(20, 7)];
  if ("float" in a) return [head, floatField(2, a.float), intField(20, 1)];
  return [head, messageField(5, tensor(a.tensor)), intField(20, 4)];
}

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

function node(n: Node, index: number): Field[] {
  return [
    ...n.inputs.map((i) => stringField(1, i)),
    ...n.outputs.map((o) => stringField(2, o)),
    stringField(3, `${n.op.toLowerCase()}_${index}`),
    stringField(4, n.op),
    ...(n.attrs ?? []).map((a) => messageField(5, attribute(a))),
  ];
}

export interface ValueInfo {
  name: string;
  type: DType;
  shape: Dim[];
}

function valueInfo(v: ValueInfo): Field[] {
  const dims = v.shape.map((d) =>
    messageField(1, [typeof d === "number" ? intField(1, d) : stringField(2, d)]),
  );
  const tensorType = [intField(1, v.type), messageField(2, dims)];
  return [stringField(1, v.name), messageField(2, [messageField(1, tensorType)])];
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

/** Serialises a whole model (opset 17, where Reduce* ops still take `axes` as an attribute). */
export function encodeModel(g: Graph): Uint8Array {
  const graph = [
    ...g.nodes.map((n, i) => messageField(1, node(n, i))),
    stringField(2, g.name),
    ...g.initializers.map((t) => messageField(5, tensor(t))),
    ...g.inputs.map((v) => messageField(11, valueInfo(v))),
    ...g.outputs.map((v) => messageField(12, valueInfo(v))),
  ];
  return concat([
    intField(1, 8),
    stringField(2, "llava-bot make-test-model"),
    stringField(3, "1"),
    messageField(7, graph),
    messageField(8, [stringField(1, ""), intField(2, 17)]),
  ]);
}
