// Batch inference of a model bundle with onnxruntime-node (imported lazily, inside createSession).
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { loadBundle, BundleError, type ModelBundle, type ModelMeta } from "./bundle.js";
import { createSession, loadOrt } from "./engine/runtime.js";
import { beatInputs, morphOf, netInputShape, type BeatInputs } from "./beat-inputs.js";
import { morphInput, windowLength } from "../beats/index.js";
import { secondTemplates, type SecondTemplates } from "./second-template.js";
import { argmaxRows, gatherRows, withRowsReplaced } from "./batches.js";
import { decideProbs, type Decision, type DecisionInputs } from "./decide.js";
import { withShifts } from "./shifts.js";

export interface ClassifierOptions {
  /** onnxruntime intra-op threads (default 2). */
  threads?: number;
  /** Beats per inference call (default 256). */
  batchSize?: number;
  /** false: the net's probabilities as they are, without model.json's rhythmGuard (default true). */
  rhythmGuard?: boolean;
  /** false: without model.json's morphSmoothing (default true). */
  morphSmoothing?: boolean;
  /** false: without model.json's qrsVeto (default true). */
  qrsVeto?: boolean;
}

export interface Classifier {
  readonly meta: ModelMeta;
  /** Class probabilities (n x classes, row-major) of n beats' net inputs (n x channels x window length,
   * netInputShape) and their extra inputs. */
  predict(x: Float32Array, extra?: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

/** One classified beat: sample at the record's own rate, class name and every class's probability. */
export interface ClassifiedBeat {
  sample: number;
  label: string;
  probs: Record<string, number>;
  /** The beat's window left the record and was padded with the edge sample. */
  edge?: true;
  /** The model's rhythm guard ruled its class (S) out here: the RR intervals around the beat are irregular. */
  irregularRhythm?: true;
  /** The model's morph smoothing changed the beat's class from this one (the class without the smoothing): its
   * look-alike beats in the record are mostly of another class. */
  smoothedFrom?: string;
  /** The model's QRS veto changed the beat's class from this one (e.g. V): its QRS matches the record's usual beat
   * (and for S, its P wave too). */
  vetoedFrom?: string;
  /** The net saw this beat against its record's second template (model.json secondTemplate: the record's
   * normal beats have two QRS shapes and this beat's is the second). */
  secondTemplate?: true;
  /** What the model's guard and veto read, when they read the windows (4 decimals): the correlation of the beat's
   * QRS (`qrs`) with the record's median beat's and of its P wave (`p`) with that of the beats called N (absent
   * while fewer than 20 are known), the atrialConsistency around it (`atrial`). */
  matches?: { qrs?: number; p?: number; atrial?: number };
}

/** Opens a model directory (or an already loaded bundle) for inference. */
export async function openClassifier(
  model: string | ModelBundle,
  opts: ClassifierOptions = {},
): Promise<Classifier> {
  const bundle = typeof model === "string" ? await loadBundle(model, { weights: false }) : model;
  const { rhythmGuard, morphSmoothing, qrsVeto, ...plainMeta } = bundle.meta;
  const meta: ModelMeta = {
    ...plainMeta,
    ...(opts.rhythmGuard !== false && rhythmGuard && { rhythmGuard }),
    ...(opts.morphSmoothing !== false && morphSmoothing && { morphSmoothing }),
    ...(opts.qrsVeto !== false && qrsVeto && { qrsVeto }),
  };
  let session: InferenceSession;
  try {
    session = await createSession(bundle.onnx, { threads: opts.threads ?? 2 });
  } catch (err) {
    throw new BundleError(`${bundle.dir}/model.onnx cannot be loaded: ${firstLine(err)}`);
  }
  const nExtra = meta.extraFeatures.length;
  const want = nExtra > 0 ? ["extra", "x"] : ["x"];
  if ([...session.inputNames].sort().join() !== want.join() || !session.outputNames.includes("probs")) {
    await session.release();
    throw new BundleError(
      `${bundle.dir}/model.onnx has inputs [${session.inputNames.join(", ")}] and outputs ` +
        `[${session.outputNames.join(", ")}]; model.json wants inputs [${want.join(", ")}] and output probs`,
    );
  }
  const { channels, len, size } = netInputShape(meta);
  const shapeError = inputShapeError(session, channels, len);
  if (shapeError) {
    await session.release();
    throw new BundleError(`${bundle.dir}/model.onnx ${shapeError}`);
  }
  const { Tensor: T } = await loadOrt();
  const k = meta.classes.length;
  const batch = Math.max(1, opts.batchSize ?? 256);
  const plain = async (x: Float32Array, extra?: Float32Array): Promise<Float32Array> => {
    const n = x.length / size;
    if (!Number.isInteger(n))
      throw new Error(
        `predict: ${x.length} values is not a whole number of ${channels} x ${len} beat inputs`,
      );
    if (nExtra > 0 && extra?.length !== n * nExtra)
      throw new Error(`predict: the model needs ${nExtra} extra features per beat`);
    const out = new Float32Array(n * k);
    for (let at = 0; at < n; at += batch) {
      const m = Math.min(batch, n - at);
      const feeds: Record<string, Tensor> = {
        x: new T("float32", x.subarray(at * size, (at + m) * size), [m, channels, len]),
      };
      if (nExtra > 0 && extra)
        feeds.extra = new T("float32", extra.subarray(at * nExtra, (at + m) * nExtra), [m, nExtra]);
      let probs: Tensor;
      try {
        probs = (await session.run(feeds)).probs;
      } catch (err) {
        throw new BundleError(`${bundle.dir}/model.onnx failed on a batch of ${m} beats: ${firstLine(err)}`);
      }
      if (probs.data.length !== m * k)
        throw new BundleError(
          `${bundle.dir}/model.onnx outputs ${probs.data.length / m} values per beat, model.json lists ${k} classes`,
        );
      out.set(probs.data as Float32Array, at * k);
    }
    return out;
  };
  const predict = withShifts(plain, len, meta.testTimeShifts);
  return { meta, predict, release: () => session.release() };
}

/**
 * Why the graph's input "x" does not take (N, channels, len) beats (model.json's window and morph), or
 * undefined when it does (or the runtime does not say).
 */
function inputShapeError(session: InferenceSession, channels: number, len: number): string | undefined {
  const x = session.inputMetadata?.find((m) => m.name === "x");
  if (!x?.isTensor || x.shape.length === 0) return undefined;
  const [, c, l] = x.shape;
  if (x.shape.length === 3 && c === channels && l === len) return undefined;
  return (
    `takes input x of shape [${x.shape.join(", ")}]; model.json (window, morph) gives beats of ` +
    `[N, ${channels}, ${len}]`
  );
}

const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split("\n")[0];

/** Classified beats from probabilities (probabilities rounded to 6 decimals). */
export function toClassifiedBeats(
  samples: ArrayLike<number>,
  d: Decision,
  classes: readonly string[],
  edge?: Uint8Array,
): ClassifiedBeat[] {
  const k = classes.length;
  const best = argmaxRows(d.probs, k);
  const m = d.matches;
  const round = (v: number) => Number(v.toFixed(4));
  return Array.from(best, (b, i) => {
    const beat: ClassifiedBeat = {
      sample: samples[i],
      label: classes[b],
      probs: Object.fromEntries(classes.map((c, j) => [c, Number(d.probs[i * k + j].toFixed(6))])),
    };
    if (edge?.[i]) beat.edge = true;
    if (d.ruledOut?.[i]) beat.irregularRhythm = true;
    if (d.smoothedFrom && d.smoothedFrom[i] >= 0) beat.smoothedFrom = classes[d.smoothedFrom[i]];
    if (d.vetoedFrom && d.vetoedFrom[i] >= 0) beat.vetoedFrom = classes[d.vetoedFrom[i]];
    if (m && (m.qrs || m.p || m.atrial))
      beat.matches = {
        ...(m.qrs && { qrs: round(m.qrs[i]) }),
        ...(m.p && !Number.isNaN(m.p[i]) && { p: round(m.p[i]) }),
        ...(m.atrial && { atrial: round(m.atrial[i]) }),
      };
    return beat;
  });
}

/** Runs one record's prepared inputs through the classifier (and the model's smoothing and rhythm guard). */
export async function classifyInputs(
  c: Classifier,
  samples: ArrayLike<number>,
  inputs: BeatInputs,
): Promise<ClassifiedBeat[]> {
  return (await classifyRecordInputs(c, samples, inputs)).beats;
}

/** classifyInputs of one record's inputs, with the record's second template when the model made one. */
async function classifyRecordInputs(
  c: Classifier,
  samples: ArrayLike<number>,
  inputs: BeatInputs,
): Promise<{ beats: ClassifiedBeat[]; secondTemplate?: Float32Array }> {
  const first = await c.predict(inputs.x, inputs.extra);
  const st = await secondTemplateNet(c, first, inputs, inputs.extra, inputs.edge);
  const { net, moved, templates } = st;
  const d = decideProbs(c.meta, net, { ...inputs, ...st.decision });
  const beats = toClassifiedBeats(samples, d, c.meta.classes, inputs.edge);
  for (const i of moved) beats[i].secondTemplate = true;
  const secondTemplate = onlyTemplate(templates);
  return { beats, ...(secondTemplate && { secondTemplate }) };
}

/** The template of a one-record map (a record's beats have no record names: key ""), or undefined. */
export function onlyTemplate(templates: ReadonlyMap<string, Float32Array>): Float32Array | undefined {
  if (templates.size > 1) throw new Error("internal: one record's beats gave several second templates");
  return templates.values().next().value;
}

/**
 * The net's probabilities under model.json's secondTemplate (second-template.ts): the beats that take their
 * record's second template predicted again against it; `extra` the beats' extra inputs, `exclude` beats kept out
 * of a template (padded edge windows). Without secondTemplate: `net` as it is. `decision`: for decideProbs beside
 * the beats (SecondTemplates.decision).
 */
export async function secondTemplateNet(
  c: Classifier,
  net: Float32Array,
  beats: DecisionInputs & { windows: Float32Array },
  extra: Float32Array | undefined,
  exclude?: Uint8Array,
): Promise<SecondTemplates & { net: Float32Array }> {
  const meta = c.meta;
  if (!meta.secondTemplate) return { net, moved: [], templates: new Map(), decision: {} };
  const st = secondTemplates(meta, net, beats, exclude);
  const { templates, moved } = st;
  if (moved.length === 0) return { ...st, net };
  const len = windowLength(meta.window);
  const k = meta.classes.length;
  const n = beats.windows.length / len;
  const nE = extra ? extra.length / n : 0;
  const w = gatherRows(beats.windows, len, moved);
  const e = extra ? gatherRows(extra, nE, moved) : undefined;
  const templateOf = (j: number) => templates.get(beats.record?.[moved[j]] ?? "")!;
  const p = await c.predict(morphInput(w, len, templateOf, morphOf(meta)), e);
  return { ...st, net: withRowsReplaced(net, k, moved, p) };
}

/**
 * Classifies the beats at `samples` (ascending, record rate `fs`) of a lead in mV, with the windows and
 * RR features of training (see beat-inputs.ts for the two additions that give every beat a label).
 */
export async function classifyBeats(
  c: Classifier,
  signal: Float64Array,
  fs: number,
  samples: ArrayLike<number>,
): Promise<{ beats: ClassifiedBeat[]; invalidSamples: number; secondTemplate?: Float32Array }> {
  const inputs = beatInputs(signal, fs, samples, c.meta);
  return { ...(await classifyRecordInputs(c, samples, inputs)), invalidSamples: inputs.filled };
}
