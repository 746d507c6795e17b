// An Explainer runs the explanation graphs of one trained network in onnxruntime: batched
// forward passes and batched gradients of a chosen class logit per row. Sessions are built lazily.
// A pair network (morph "pair": it reads [beat, beat - template], two channels) is explained on the BEAT:
// its rows are beats, each given with its record's template, the explainer builds the net's two channels,
// and the gradient with respect to the beat is the sum of the two channels' gradients (chain rule: both
// channels are the beat plus a constant). Every method then attributes the beat's own samples, and its
// completeness (attributions sum to the logit change) holds on the beat.
// A model with test-time shifts (model.json testTimeShifts) is explained as the classifier predicts with
// it: the explainer is wrapped by withTestShifts (shifted.ts), which every method then sees.
import type { InferenceSession, Tensor as OrtTensor } from "onnxruntime-node";
import { ARCHS, INPUT_SHAPE, isArch, type ArrhythmiNetConfig } from "../model/arrhythminet.js";
import { netOf } from "../model/ensemble-net.js";
import type { Weights } from "../model/engine/module.js";
import { createSession, loadOrt } from "../model/engine/runtime.js";
import { explainGraph, type ExplainIo, type ExplainLayout, type GraphKind } from "./graph.js";
import { withTestShifts } from "./shifted.js";

/** What an explanation needs to know of a trained network. */
export interface ExplainModel {
  /** "v1", "v2" or a configuration */
  readonly arch: string | ArrhythmiNetConfig;
  /** class names, in the order of the logits */
  readonly classes: readonly string[];
  /** names of the extra (RR) inputs, in order; [] when the model has none */
  readonly extraNames: readonly string[];
  /** parameters and buffers (engine names) */
  readonly weights: Weights;
  /** waveform input (channels, length); default [1, 256] */
  readonly input?: readonly [number, number];
  /** the net reads [beat, beat - template] (input channels 2): rows are beats, with a template each */
  readonly pair?: boolean;
  /** model.json members: an ensemble of this many nets of `arch` (src/model/ensemble-net.ts) */
  readonly members?: number;
  /** model.json testTimeShifts: explain the shift-averaged model (shifted.ts) */
  readonly testTimeShifts?: readonly number[];
}

/** Each row's record template (a pair explainer's rows need one each; unused otherwise). */
export type RowTemplates = ArrayLike<Float32Array>;

/** Gradients of the chosen class logit of each row (row-major typed arrays). */
export interface GradBatch {
  readonly n: number;
  /** n x K */
  readonly logits: Float32Array;
  /** n x L: d logit / d waveform (a pair explainer: d logit / d beat, the two channels' sum) */
  readonly gradX: Float32Array;
  /** n x F: d logit / d extra inputs (empty when none) */
  readonly gradExtra: Float32Array;
  /** n x C' x L': last conv block's activations and their gradients */
  readonly acts: Float32Array;
  readonly gradActs: Float32Array;
  /** [C', L'] */
  readonly actShape: readonly [number, number];
  /** test-time shifts (shifted.ts): a row's acts and gradActs are one C' x L' map per shift, each over
   * the row's input shifted by actShifts[s] (absent: one map, of the row itself) */
  readonly actShifts?: readonly number[];
}

export interface ExplainerOptions {
  /** onnxruntime intra-op threads (default 1) */
  readonly threads?: number;
  /** rows per onnxruntime call at most (default 256: larger chunks ran slower per row on V1, memory-bound) */
  readonly maxBatch?: number;
  /** layout of the traced net (default "CNL") */
  readonly layout?: ExplainLayout;
}

export interface Explainer {
  readonly io: ExplainIo;
  readonly classes: readonly string[];
  readonly extraNames: readonly string[];
  /** the values L of one row (channels x samples; a pair explainer: the beat's samples) */
  readonly width: number;
  /** rows are beats with a template each (ExplainModel.pair) */
  readonly pair: boolean;
  /** the test-time shifts the explained model averages over (shifted.ts), or undefined */
  readonly testTimeShifts?: readonly number[];
  /** Class logits of n rows (n x K). */
  logits(x: Float32Array, extra?: Float32Array, templates?: RowTemplates): Promise<Float32Array>;
  /** Gradients of logit cls[i] of every row i, in batched runs. */
  gradients(
    x: Float32Array,
    extra: Float32Array | undefined,
    cls: Int32Array,
    kind?: GraphKind,
    templates?: RowTemplates,
  ): Promise<GradBatch>;
  /**
   * Only an explainer with test-time shifts (shifted.ts): gradients of logit cls[i] of row i seen through ONE
   * shifted copy, z_c(S_d x) with d = testTimeShifts[shift[i]], pulled back to the row (S_d^T): one net row per
   * row, where `gradients` runs one per shift. The path methods (paths.ts) integrate one shift per path.
   */
  shiftGradients?(
    x: Float32Array,
    extra: Float32Array | undefined,
    cls: Int32Array,
    shift: Int32Array,
    templates?: RowTemplates,
  ): Promise<GradBatch>;
  /** Class probabilities of n rows (n x K) as the classifier gives them: softmax of the logits, with
   * test-time shifts the mean of the shifted inputs' softmax. Its row argmax is the predicted class. */
  probs(x: Float32Array, extra?: Float32Array, templates?: RowTemplates): Promise<Float64Array>;
  release(): Promise<void>;
}

export function softmax(logits: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(logits));
  const e = Array.from(logits, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const config = (arch: string | ArrhythmiNetConfig): ArrhythmiNetConfig => {
  if (typeof arch !== "string") return arch;
  if (!isArch(arch))
    throw new Error(`unknown architecture "${arch}" (known: ${Object.keys(ARCHS).join(", ")})`);
  return ARCHS[arch];
};

/** Row-wise softmax of n x K logits. */
export function softmaxRows(logits: Float32Array, K: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let r = 0; r < logits.length; r += K) out.set(softmax(logits.subarray(r, r + K)), r);
  return out;
}

/** The explainer of a network (wrapped by withTestShifts when the model has test-time shifts). */
export async function createExplainer(m: ExplainModel, o: ExplainerOptions = {}): Promise<Explainer> {
  const e = await createNetExplainer(m, o);
  return m.testTimeShifts ? withTestShifts(e, m.testTimeShifts) : e;
}

async function createNetExplainer(m: ExplainModel, o: ExplainerOptions): Promise<Explainer> {
  const io: ExplainIo = {
    input: m.input ?? INPUT_SHAPE,
    extraFeatures: m.extraNames.length,
    numClasses: m.classes.length,
  };
  const pair = m.pair ?? false;
  if (pair && io.input[0] !== 2) throw new Error(`a pair model reads 2 input channels, not ${io.input[0]}`);
  const net = netOf(config(m.arch), io.numClasses, m.members);
  const { Tensor } = await loadOrt();
  const sessions = new Map<GraphKind, Promise<InferenceSession>>();
  const session = (kind: GraphKind) => {
    let s = sessions.get(kind);
    if (!s) {
      s = createSession(explainGraph(net, io, m.weights, kind, o.layout), { threads: o.threads });
      sessions.set(kind, s);
    }
    return s;
  };
  const width = pair ? io.input[1] : io.input[0] * io.input[1];
  const F = io.extraFeatures;
  const K = io.numClasses;
  const maxBatch = o.maxBatch ?? 256;
  const rowsOf = (x: Float32Array, extra: Float32Array | undefined, templates?: RowTemplates) => {
    if (x.length % width !== 0) throw new Error(`x: length ${x.length} is not a multiple of ${width}`);
    const n = x.length / width;
    if (F > 0 && (!extra || extra.length !== n * F)) throw new Error(`extra: ${n} x ${F} values expected`);
    if (pair && (templates?.length !== n || Array.from(templates).some((t) => t?.length !== width)))
      throw new Error(`a pair model's ${n} rows need a template of ${width} values each`);
    return n;
  };
  /** The net's input of rows a..b: the rows themselves, or [beat, beat - template] for a pair net. */
  const netX = (x: Float32Array, a: number, b: number, templates?: RowTemplates): Float32Array => {
    if (!pair) return x.subarray(a * width, b * width);
    const out = new Float32Array((b - a) * 2 * width);
    for (let r = a; r < b; r++) {
      const beat = x.subarray(r * width, (r + 1) * width);
      const t = templates![r];
      const o = (r - a) * 2 * width;
      out.set(beat, o);
      for (let k = 0; k < width; k++) out[o + width + k] = beat[k] - t[k];
    }
    return out;
  };
  const feeds = (
    x: Float32Array,
    extra: Float32Array | undefined,
    a: number,
    b: number,
    templates?: RowTemplates,
  ) => {
    const f: Record<string, OrtTensor> = {
      x: new Tensor("float32", netX(x, a, b, templates), [b - a, ...io.input]),
    };
    if (F > 0) f.extra = new Tensor("float32", extra!.subarray(a * F, b * F), [b - a, F]);
    return f;
  };
  /** d logit / d beat of a pair net: the sum of its two channels' gradients, per sample. */
  const foldGrad = (g: Float32Array): Float32Array => {
    if (!pair) return g;
    const n = g.length / (2 * width);
    const out = new Float32Array(n * width);
    for (let r = 0; r < n; r++)
      for (let k = 0; k < width; k++)
        out[r * width + k] = g[r * 2 * width + k] + g[r * 2 * width + width + k];
    return out;
  };
  const logits = async (x: Float32Array, extra?: Float32Array, templates?: RowTemplates) => {
    const n = rowsOf(x, extra, templates);
    const s = await session("forward");
    const out = new Float32Array(n * K);
    for (let a = 0; a < n; a += maxBatch) {
      const b = Math.min(n, a + maxBatch);
      const r = await s.run(feeds(x, extra, a, b, templates));
      out.set(r.logits.data as Float32Array, a * K);
    }
    return out;
  };
  return {
    io,
    classes: m.classes,
    extraNames: m.extraNames,
    width,
    pair,
    logits,
    probs: async (x, extra, templates) => softmaxRows(await logits(x, extra, templates), K),
    async gradients(x, extra, cls, kind = "gradients", templates) {
      const n = rowsOf(x, extra, templates);
      if (cls.length !== n) throw new Error(`gradients: ${n} class indices expected`);
      const s = await session(kind);
      let actShape: [number, number] = [0, 0];
      const parts: Record<string, Float32Array[]> = {
        logits: [],
        gradX: [],
        gradExtra: [],
        acts: [],
        gradActs: [],
      };
      for (let a = 0; a < n; a += maxBatch) {
        const b = Math.min(n, a + maxBatch);
        const select = new Float32Array((b - a) * K);
        for (let i = a; i < b; i++) {
          if (!(cls[i] >= 0 && cls[i] < K))
            throw new RangeError(`class index ${cls[i]} out of range [0, ${K})`);
          select[(i - a) * K + cls[i]] = 1;
        }
        const r = await s.run({
          ...feeds(x, extra, a, b, templates),
          select: new Tensor("float32", select, [b - a, K]),
        });
        actShape = [Number(r.acts.dims[1]), Number(r.acts.dims[2])];
        for (const key of Object.keys(parts)) if (r[key]) parts[key].push(r[key].data as Float32Array);
        parts.gradX[parts.gradX.length - 1] = foldGrad(parts.gradX[parts.gradX.length - 1]);
      }
      const cat = (list: Float32Array[]) => {
        if (list.length === 1) return list[0];
        const out = new Float32Array(list.reduce((t, p) => t + p.length, 0));
        let at = 0;
        for (const p of list) out.set(p, (at += p.length) - p.length);
        return out;
      };
      return {
        n,
        logits: cat(parts.logits),
        gradX: cat(parts.gradX),
        gradExtra: cat(parts.gradExtra),
        acts: cat(parts.acts),
        gradActs: cat(parts.gradActs),
        actShape,
      };
    },
    async release() {
      const all = await Promise.all(sessions.values());
      await Promise.all(all.map((s) => s.release()));
      sessions.clear();
    },
  };
}
