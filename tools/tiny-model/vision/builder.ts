import { type Attr, DataType, type Graph, type Node, type Tensor, type ValueInfo } from "../onnx.js";

/**
 * A small helper for writing the vision test graphs as code: each call adds one ONNX node and
 * returns the name of its output, constants become initializers. Opset 17 rules apply (ReduceSum,
 * Unsqueeze and Squeeze take axes as an input; ReduceMax/Min/Mean as an attribute).
 */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Tensor[] = [];
  private count = 0;

  constructor(private readonly name: string) {}

  private fresh(op: string): string {
    this.count += 1;
    return `${op.toLowerCase()}_${this.count}`;
  }

  /** A float32 constant; dims [] makes a scalar. */
  f32(values: number[], dims: number[] = [values.length]): string {
    const name = this.fresh("const_f");
    this.initializers.push({ name, dims, type: DataType.FLOAT, values });
    return name;
  }

  /** An int64 constant; dims [] makes a scalar. */
  i64(values: number[], dims: number[] = [values.length]): string {
    const name = this.fresh("const_i");
    this.initializers.push({ name, dims, type: DataType.INT64, values });
    return name;
  }

  op(op: string, inputs: string[], attrs?: Attr[], output?: string): string {
    const out = output ?? this.fresh(op);
    this.nodes.push({ op, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
    return out;
  }

  add = (a: string, b: string) => this.op("Add", [a, b]);
  sub = (a: string, b: string) => this.op("Sub", [a, b]);
  mul = (a: string, b: string) => this.op("Mul", [a, b]);
  div = (a: string, b: string) => this.op("Div", [a, b]);
  sigmoid = (a: string) => this.op("Sigmoid", [a]);

  /** Sum over axes, keeping them or not. */
  sum(x: string, axes: number[], keep = false): string {
    return this.op("ReduceSum", [x, this.i64(axes)], [{ name: "keepdims", int: keep ? 1 : 0 }]);
  }

  reduce(op: "ReduceMax" | "ReduceMin" | "ReduceMean", x: string, axes: number[], keep = false): string {
    return this.op(
      op,
      [x],
      [
        { name: "axes", ints: axes },
        { name: "keepdims", int: keep ? 1 : 0 },
      ],
    );
  }

  unsqueeze(x: string, axes: number[]): string {
    return this.op("Unsqueeze", [x, this.i64(axes)]);
  }

  cast(x: string, to: number): string {
    return this.op("Cast", [x], [{ name: "to", int: to }]);
  }

  concat(xs: string[], axis: number, output?: string): string {
    return this.op("Concat", xs, [{ name: "axis", int: axis }], output);
  }

  /** One dimension of a tensor's runtime shape, as a float scalar. */
  dim(x: string, index: number): string {
    const shape = this.op("Shape", [x]);
    return this.cast(
      this.op("Gather", [shape, this.i64([index], [])], [{ name: "axis", int: 0 }]),
      DataType.FLOAT,
    );
  }

  /** 0, 1, …, n-1 as floats, n a float scalar. */
  range(n: string): string {
    return this.op("Range", [this.f32([0], []), n, this.f32([1], [])]);
  }

  /** x[..., from:to] on one axis. */
  slice(x: string, axis: number, from: number, to: number): string {
    return this.op("Slice", [x, this.i64([from]), this.i64([to]), this.i64([axis])]);
  }

  graph(inputs: ValueInfo[], outputs: ValueInfo[]): Graph {
    return { name: this.name, nodes: this.nodes, initializers: this.initializers, inputs, outputs };
  }
}

/** Float pixels of the processor's normalised tensor back to 0..1 RGB. */
export function unnormalise(
  g: GraphBuilder,
  pixels: string,
  mean: readonly number[],
  std: readonly number[],
): string {
  return g.add(g.mul(pixels, g.f32([...std], [1, 3, 1, 1])), g.f32([...mean], [1, 3, 1, 1]));
}
