// Parameters and buffers of a model, and the context a model definition is traced with.
// Training: all parameters come from ONE flat input vector (split in-graph) so the optimizer
// update is a handful of element-wise ops on one tensor; buffers (BN running statistics) likewise.
// Inference: parameters and buffers are baked in as initializers (onnxruntime then folds BN).
import { Graph, numel, type Shape, type Tensor } from "./graph.js";
import { reshape } from "./ops/shape.js";
import type { Layout } from "./ops/norm.js";
import type { Rng } from "./rng.js";

/** PyTorch's default: uniform(+-1/sqrt(fanIn)); or a constant. */
export type Init = { readonly fanIn: number } | { readonly value: number };

export interface TensorSpec {
  readonly name: string;
  readonly shape: Shape;
  readonly init: Init;
}

/** Named float32 arrays: parameters and buffers, serialisable as they are. */
export type Weights = Record<string, Float32Array>;

export interface Ctx {
  readonly g: Graph;
  readonly training: boolean;
  /** activation layout the layers emit: channel-major "CNL" (GEMM-only, for training) or "NCL" */
  readonly layout: Layout;
  param(name: string, shape: Shape, init: Init): Tensor;
  buffer(name: string, shape: Shape, init: Init): Tensor;
  /** Training only: the new value of a buffer after this step. */
  setBuffer(name: string, value: Tensor): void;
}

export function initTensor(spec: TensorSpec, rng: Rng): Float32Array {
  const out = new Float32Array(numel(spec.shape));
  if ("value" in spec.init) return out.fill(spec.init.value);
  const bound = 1 / Math.sqrt(spec.init.fanIn);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng() - 1) * bound;
  return out;
}

/**
 * Traces a model with params/buffers read from flat inputs: in training mode (buffer updates
 * collected) or in eval mode (for a predict graph that takes the current weights as inputs).
 */
export class FlatCtx implements Ctx {
  readonly layout = "CNL";
  readonly params: TensorSpec[] = [];
  readonly buffers: TensorSpec[] = [];
  readonly paramTensors: Tensor[] = [];
  private readonly bufferTensors: Tensor[] = [];
  private readonly updates = new Map<string, Tensor>();

  constructor(
    readonly g: Graph,
    readonly training: boolean,
  ) {}

  private piece(kind: "params" | "state", spec: TensorSpec, requiresGrad: boolean): Tensor {
    const flat: Tensor = { name: `${kind}/${spec.name}`, shape: [numel(spec.shape)], requiresGrad };
    const t = reshape(this.g, flat, spec.shape);
    return { ...t, requiresGrad };
  }

  param(name: string, shape: Shape, init: Init): Tensor {
    const spec = { name, shape, init };
    this.params.push(spec);
    const t = this.piece("params", spec, true);
    this.paramTensors.push(t);
    return t;
  }

  buffer(name: string, shape: Shape, init: Init): Tensor {
    const spec = { name, shape, init };
    this.buffers.push(spec);
    const t = this.piece("state", spec, false);
    this.bufferTensors.push(t);
    return t;
  }

  setBuffer(name: string, value: Tensor): void {
    this.updates.set(name, value);
  }

  /** Declare the flat inputs "params" and "state" (Split nodes prepended). */
  finish(): { params: Tensor; state: Tensor } {
    return { params: this.splitInput("params", this.params), state: this.splitInput("state", this.buffers) };
  }

  /** The flat buffer vector after this step (updated running statistics). */
  newState(): Tensor {
    const parts = this.buffers.map((b, i) => {
      const v = this.updates.get(b.name) ?? this.bufferTensors[i];
      return reshape(this.g, v, [numel(b.shape)]);
    });
    const total = parts.reduce((a, t) => a + t.shape[0], 0);
    return this.g.op("Concat", parts, [total], { axis: 0 });
  }

  private splitInput(kind: "params" | "state", specs: readonly TensorSpec[]): Tensor {
    const sizes = specs.map((s) => numel(s.shape));
    const total = sizes.reduce((a, b) => a + b, 0);
    const input = this.g.input(kind, [total]);
    const outputs = specs.map((s) => `${kind}/${s.name}`);
    this.g.nodes.unshift({ op: "Split", inputs: [kind, this.g.ints(sizes)], outputs, attrs: { axis: 0 } });
    return input;
  }
}

/** Traces a model for inference with the given weights baked in as initializers. */
export class InferCtx implements Ctx {
  readonly training = false;
  constructor(
    readonly g: Graph,
    private readonly weights: Weights,
    readonly layout: Layout = "NCHW",
  ) {}

  param(name: string, shape: Shape): Tensor {
    const data = this.weights[name];
    if (data === undefined || data.length !== numel(shape))
      throw new Error(`missing or mis-sized weight ${name}`);
    this.g.initializers.push({ name, shape, data });
    return { name, shape, requiresGrad: false };
  }

  buffer(name: string, shape: Shape): Tensor {
    return this.param(name, shape);
  }

  setBuffer(): void {
    throw new Error("setBuffer is for training");
  }
}

/** Collect the parameter and buffer specs of a model by tracing it once. */
export function specsOf(trace: (ctx: Ctx) => void): { params: TensorSpec[]; buffers: TensorSpec[] } {
  const ctx = new FlatCtx(new Graph(), true);
  trace(ctx);
  return { params: ctx.params, buffers: ctx.buffers };
}

/** Freshly initialised weights (params and buffers, by name) of a traced model, drawn from `rng`. */
export function initWeights(trace: (ctx: Ctx) => void, rng: Rng): Record<string, Float32Array> {
  const { params, buffers } = specsOf(trace);
  return Object.fromEntries([...params, ...buffers].map((s) => [s.name, initTensor(s, rng)]));
}
