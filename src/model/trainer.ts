// The trainer the training loop uses: one onnxruntime session runs a whole AdamW training step
// (forward, weighted cross-entropy, backward, update); parameters, optimizer moments and BN
// running statistics stay flat Float32Arrays fed back each step.
import type { Tensor as OrtTensor } from "onnxruntime-node";
import { ARCHS, INPUT_SHAPE, arrhythmiNet, type Arch } from "./arrhythminet.js";
import { evalGraph, inferenceGraph, trainStepGraph, type IoShape, type ModelFn } from "./engine/build.js";
import { numel } from "./engine/graph.js";
import { initTensor, type TensorSpec, type Weights } from "./engine/module.js";
import { ADAMW, adamwScalars, type AdamWConfig } from "./engine/optim.js";
import { mulberry32 } from "./engine/rng.js";
import { createSession, loadOrt } from "./engine/runtime.js";

export interface TrainerOptions {
  readonly arch: Arch;
  readonly numClasses?: number;
  /** length of the optional extra-features vector (0: none) */
  readonly extraFeatures?: number;
  readonly seed?: number;
  readonly threads?: number;
  /** the usual batch size of step(); other sizes (a last short batch) build a step graph on first use */
  readonly batchSize: number;
  /** AdamW weight decay (default 1e-4) and epsilon (default 1e-8) */
  readonly weightDecay?: number;
  readonly eps?: number;
  readonly classWeights?: readonly number[];
  /** dropout probability on the pooled (+ extra) features before the classifier, training only (default 0) */
  readonly dropout?: number;
  /** focal loss gamma (>= 1) instead of the cross-entropy; 0 or absent: cross-entropy */
  readonly focalGamma?: number;
  /** waveform channels (default 1) */
  readonly inputChannels?: number;
  /** samples per window (default INPUT_SHAPE's 256) */
  readonly inputLength?: number;
}

export interface OptimizerState {
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly step: number;
}

export interface Trainer {
  readonly io: IoShape;
  readonly batchSize: number;
  readonly paramCount: number;
  /**
   * One AdamW step on a batch of N windows (N x channels x inputLength, row-major); y: N class indices or N x K
   * one-hot/soft labels; extra: N x extraFeatures. Returns the batch loss.
   */
  step(x: Float32Array, y: Int32Array | Float32Array, lr: number, extra?: Float32Array): Promise<number>;
  /** Class probabilities (N x K, row-major) in eval mode (running BN statistics), any batch size. */
  predict(x: Float32Array, extra?: Float32Array): Promise<Float32Array>;
  getWeights(): Weights;
  setWeights(w: Weights): void;
  /** AdamW's state (moments in the flat parameter order, step count): save it to resume exactly. */
  getOptimizerState(): OptimizerState;
  setOptimizerState(s: OptimizerState): void;
  /** The shippable inference model (weights baked in; onnxruntime folds BN into the convs). */
  exportOnnx(w?: Weights): Uint8Array;
  release(): Promise<void>;
}

const pack = (specs: readonly TensorSpec[], from: (s: TensorSpec) => Float32Array): Float32Array => {
  const out = new Float32Array(specs.reduce((a, s) => a + numel(s.shape), 0));
  let at = 0;
  for (const s of specs) {
    const v = from(s);
    if (v.length !== numel(s.shape))
      throw new Error(`weight ${s.name}: ${v.length} values, want ${numel(s.shape)}`);
    out.set(v, at);
    at += v.length;
  }
  return out;
};

const unpack = (specs: readonly TensorSpec[], flat: Float32Array, into: Weights): void => {
  let at = 0;
  for (const s of specs) into[s.name] = flat.slice(at, (at += numel(s.shape)));
};

export function oneHot(y: Int32Array, numClasses: number): Float32Array {
  const out = new Float32Array(y.length * numClasses);
  y.forEach((k, i) => {
    if (!(k >= 0 && k < numClasses)) throw new RangeError(`label ${k} out of range [0, ${numClasses})`);
    out[i * numClasses + k] = 1;
  });
  return out;
}

export async function createTrainer(o: TrainerOptions): Promise<Trainer> {
  const io: IoShape = {
    input: [o.inputChannels ?? INPUT_SHAPE[0], o.inputLength ?? INPUT_SHAPE[1]],
    extraFeatures: o.extraFeatures ?? 0,
    numClasses: o.numClasses ?? 5,
  };
  const model: ModelFn = arrhythmiNet(ARCHS[o.arch], io.numClasses, { dropout: o.dropout, seed: o.seed });
  const opt: AdamWConfig = {
    ...ADAMW,
    weightDecay: o.weightDecay ?? ADAMW.weightDecay,
    eps: o.eps ?? ADAMW.eps,
  };
  const B = o.batchSize;
  if (!(Number.isInteger(B) && B >= 2)) throw new RangeError(`batchSize must be an integer >= 2, got ${B}`);
  const graph = trainStepGraph(model, io, B, opt, o.focalGamma);
  const { Tensor } = await loadOrt();
  const [train, evalS] = await Promise.all([
    createSession(graph.model, { threads: o.threads }),
    createSession(evalGraph(model, io), { threads: o.threads }),
  ]);
  const steps = new Map([[B, Promise.resolve(train)]]); // step sessions by batch size
  const stepSession = (n: number) => {
    let s = steps.get(n);
    if (s === undefined) {
      s = createSession(trainStepGraph(model, io, n, opt, o.focalGamma).model, { threads: o.threads });
      steps.set(n, s);
    }
    return s;
  };
  const rng = mulberry32(o.seed ?? 0);
  let params: Float32Array = pack(graph.params, (s) => initTensor(s, rng));
  let state: Float32Array = pack(graph.buffers, (s) => initTensor(s, rng));
  let m: Float32Array = new Float32Array(params.length);
  let v: Float32Array = new Float32Array(params.length);
  let t = 0;
  const weights = new Float32Array(o.classWeights ?? new Array(io.numClasses).fill(1));
  if (weights.length !== io.numClasses) throw new Error("classWeights: one weight per class");
  const f32 = (data: Float32Array, dims: readonly number[]) => new Tensor("float32", data, dims);
  const rows = (a: Float32Array, width: number, what: string) => {
    if (a.length % width !== 0) throw new Error(`${what}: length ${a.length} is not a multiple of ${width}`);
    return a.length / width;
  };
  const xWidth = io.input[0] * io.input[1];
  const inputs = (x: Float32Array, extra: Float32Array | undefined, n: number) => {
    const feeds: Record<string, OrtTensor> = { x: f32(x, [n, ...io.input]) };
    if (io.extraFeatures > 0) {
      if (!extra || rows(extra, io.extraFeatures, "extra") !== n)
        throw new Error(`extra: ${n} x ${io.extraFeatures}`);
      feeds.extra = f32(extra, [n, io.extraFeatures]);
    }
    return feeds;
  };

  const trainer: Trainer = {
    io,
    batchSize: B,
    paramCount: params.length,
    async step(x, y, lr, extra) {
      const n = rows(x, xWidth, "x");
      if (n < 2) throw new Error("step: a batch needs at least 2 windows (batch norm)");
      const target = y instanceof Int32Array ? oneHot(y, io.numClasses) : y;
      if (target.length !== n * io.numClasses) throw new Error(`step: ${n} labels expected for ${n} windows`);
      const session = await stepSession(n);
      const s = adamwScalars(opt, ++t, lr);
      const out = await session.run({
        ...inputs(x, extra, n),
        y: f32(target, [n, io.numClasses]),
        classWeights: f32(weights, [io.numClasses]),
        params: f32(params, [params.length]),
        m: f32(m, [m.length]),
        v: f32(v, [v.length]),
        state: f32(state, [state.length]),
        stepSize: f32(Float32Array.of(s.stepSize), [1]),
        epsHat: f32(Float32Array.of(s.epsHat), [1]),
        decay: f32(Float32Array.of(s.decay), [1]),
      });
      params = out.params_out.data as Float32Array;
      m = out.m_out.data as Float32Array;
      v = out.v_out.data as Float32Array;
      state = out.state_out.data as Float32Array;
      return (out.loss.data as Float32Array)[0];
    },
    async predict(x, extra) {
      const n = rows(x, xWidth, "x");
      const out = await evalS.run({
        ...inputs(x, extra, n),
        params: f32(params, [params.length]),
        state: f32(state, [state.length]),
      });
      return out.probs.data as Float32Array;
    },
    getWeights() {
      const w: Weights = {};
      unpack(graph.params, params, w);
      unpack(graph.buffers, state, w);
      return w;
    },
    setWeights(w) {
      const get = (s: TensorSpec) => {
        const a = w[s.name];
        if (a === undefined) throw new Error(`setWeights: missing ${s.name}`);
        return a;
      };
      params = pack(graph.params, get);
      state = pack(graph.buffers, get);
    },
    getOptimizerState() {
      return { m: m.slice(), v: v.slice(), step: t };
    },
    setOptimizerState(st) {
      if (st.m.length !== params.length || st.v.length !== params.length) {
        throw new Error(`setOptimizerState: moments of ${params.length} values expected`);
      }
      if (!(Number.isInteger(st.step) && st.step >= 0)) throw new Error("setOptimizerState: bad step count");
      m = st.m.slice();
      v = st.v.slice();
      t = st.step;
    },
    exportOnnx(w) {
      return inferenceGraph(model, io, w ?? trainer.getWeights());
    },
    async release() {
      const all = await Promise.all(steps.values());
      await Promise.all([...all, evalS].map((s) => s.release()));
    },
  };
  return trainer;
}
