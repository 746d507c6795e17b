// The typed graph builder: symbolic tensors, raw ONNX node emission and the autodiff tape.
// Differentiable ops (see ops/) emit their forward nodes through `op` and record on the tape a
// backward rule that, given the output gradient, emits the nodes of the input gradients.
import type { AttrValue, ElemType, Initializer, OnnxModel, OnnxNode, ValueInfo } from "./onnx.js";

export type Shape = readonly number[];

/** A symbolic tensor of the graph under construction. A -1 dimension is the dynamic batch. */
export interface Tensor {
  readonly name: string;
  readonly shape: Shape;
  /** true when some parameter flows into it: the backward pass needs its gradient. */
  readonly requiresGrad: boolean;
}

/** Given the output gradient (and which inputs need one), emit the input gradients. */
export type BackwardRule = (gy: Tensor, needs: readonly boolean[]) => readonly (Tensor | undefined)[];

export interface TapeEntry {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly backward: BackwardRule;
}

export const OPSET = 17;

export class Graph {
  readonly nodes: OnnxNode[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly initializers: Initializer[] = [];
  readonly tape: TapeEntry[] = [];
  private count = 0;
  private readonly intCache = new Map<string, string>();

  /** A fresh unique value name. */
  fresh(hint: string): string {
    return `${hint}_${this.count++}`;
  }

  input(name: string, shape: Shape, opts: { type?: ElemType; requiresGrad?: boolean } = {}): Tensor {
    this.inputs.push({ name, shape, type: opts.type ?? "float32" });
    return { name, shape, requiresGrad: opts.requiresGrad ?? false };
  }

  /** Expose `t` as a graph output called `name`. */
  output(t: Tensor, name: string, type: ElemType = "float32"): void {
    if (t.name !== name) this.nodes.push({ op: "Identity", inputs: [t.name], outputs: [name] });
    this.outputs.push({ name, shape: t.shape, type });
  }

  /** A float32 constant (an initializer). */
  constant(values: Float32Array | readonly number[], shape: Shape, hint = "const"): Tensor {
    const name = this.fresh(hint);
    this.initializers.push({ name, shape, data: Float32Array.from(values) });
    return { name, shape, requiresGrad: false };
  }

  /** The name of an int64 constant (axes, shapes, pads...), shared between uses. */
  ints(values: readonly number[]): string {
    const key = values.join(",");
    let name = this.intCache.get(key);
    if (name === undefined) {
      name = this.fresh("i64");
      this.intCache.set(key, name);
      const data = BigInt64Array.from(values.map((v) => BigInt(v)));
      this.initializers.push({ name, shape: [values.length], data });
    }
    return name;
  }

  /** Emit one raw (non-differentiable) node with a single output of the given shape. */
  op(
    op: string,
    inputs: readonly (Tensor | string)[],
    shape: Shape,
    attrs?: Record<string, AttrValue>,
  ): Tensor {
    const name = this.fresh(op);
    const ins = inputs.map((i) => (typeof i === "string" ? i : i.name));
    this.nodes.push({ op, inputs: ins, outputs: [name], ...(attrs ? { attrs } : {}) });
    return { name, shape, requiresGrad: false };
  }

  /** Mark `out` as computed from `inputs` by a differentiable op with the given backward rule. */
  record(inputs: readonly Tensor[], out: Tensor, backward: BackwardRule): Tensor {
    const requiresGrad = inputs.some((t) => t.requiresGrad);
    const output = { ...out, requiresGrad };
    if (requiresGrad) this.tape.push({ inputs, output, backward });
    return output;
  }

  toModel(): OnnxModel {
    return {
      nodes: this.nodes,
      inputs: this.inputs,
      outputs: this.outputs,
      initializers: this.initializers,
      opset: OPSET,
    };
  }
}

export const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);
export const float = (v: number): { float: number } => ({ float: v });
