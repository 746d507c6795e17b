// The training loop, nanoGPT style: one flat loop over epochs and batches. Each epoch draws a fresh
// oversampling of the training part and a fresh shuffle from (seed, epoch) alone, steps AdamW on a
// one-cycle schedule, scores macro-F1 on the validation part, keeps the best epoch's weights
// (best.ckpt) and writes last.ckpt atomically, so --resume continues after the last finished epoch.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  DATASET_FS,
  DEFAULT_WINDOW,
  classWeights,
  fnv1a32,
  mulberry32,
  morphChannels,
  morphInput,
  oversampleIndices,
  sameWindow,
  windowText,
  concatParts,
  type BeatDataset,
  type BeatPart,
  type LeadTwin,
  type MorphInput,
  type WindowSpec,
} from "../beats/index.js";
import { datasetMorph, recordTemplateOf } from "./beat-inputs.js";
import { BN_MOMENTUM } from "./engine/nn.js";
import { argmaxRows, gatherBatch, inputColumns, predictPart, shuffle } from "./batches.js";

export { inputColumns };
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { evaluatePredictions, type Metrics } from "./metrics.js";
import { oneCycleLr } from "./schedule.js";
import type { RhythmGuard } from "./rhythm-guard.js";
import { decideProbs } from "./decide.js";
import type { QrsVeto } from "./qrs-veto.js";
import { SECOND_TEMPLATE, templatesOfSecondShape, type SecondTemplate } from "./second-template.js";
import type { MorphSmoothing } from "./morph-smoothing.js";
import { withShifts } from "./shifts.js";
import { createTrainer, type Trainer } from "./trainer.js";
import { openTeachers } from "./distill.js";
import {
  NO_AUGMENT,
  augmentBatch,
  augmentsWindows,
  mixupBatch,
  normalRowsByRecord,
  prematureClass,
  simulateAfRR,
  virtualPatients,
  fusionSources,
  synthesizeFusion,
  type AugmentConfig,
} from "./augment.js";
import type { Arch } from "./arrhythminet.js";

export interface TrainConfig {
  arch: Arch;
  epochs: number;
  seed: number;
  batchSize: number;
  maxLr: number;
  weightDecay: number;
  /** Class balance of the training part: the paper's oversampling, a class-weighted loss, or none. */
  balance: "oversample" | "weights" | "none";
  oversampleRatio: number;
  /** With balance "weights": class weights ^ this power (1 or absent: balanced; < 1: tempered). */
  weightPower?: number;
  /** Optional per-class oversampling caps, x the class's own count, by class name (e.g. { F: 2, Q: 1 }). */
  oversampleCap?: Record<string, number>;
  /** Record-tempered oversampling (balance.ts `groups`): a record's extra copies of a class ~ its count^power. */
  oversampleRecordPower?: number;
  /** Feed the per-patient RR ratios (RR_INPUT_COLUMNS) through the net's extra pathway. */
  rr: boolean;
  /** With rr: also the local RR irregularity (localRRdiff/localRR). */
  irregularity?: boolean;
  /** With rr: the ratios against regionRR (de Chazal's +-5 min average) instead of recordRR (absent: record). */
  rrAverage?: "region";
  /** Training-batch augmentation (augment.ts); NO_AUGMENT: none. */
  augment: AugmentConfig;
  /** Dropout on the pooled (+ RR) features before the classifier, training only (0: none). */
  dropout: number;
  /** Focal loss (engine/ops/loss.ts) with this gamma (>= 1) instead of the cross-entropy; absent: cross-entropy. */
  focalGamma?: number;
  threads: number;
  /**
   * The epoch is chosen by the mean validation F1 of the classes with at least this many validation beats
   * (absent or 0: every class present, i.e. macro-F1); a class with a handful of beats only adds noise.
   */
  chooseMinSupport?: number;
  /** Waveform input beside the record's template (src/beats/template.ts); absent: "none". */
  morph?: MorphInput;
  /**
   * The model is the last epoch's weights (a fixed schedule; validation, if any, is only reported).
   * Required when there is no validation part (e.g. inter with every DS1 record in training).
   */
  lastEpoch?: boolean;
  /**
   * The model is the average of the weights at the end of epochs averageFrom..epochs (stochastic weight
   * averaging), its batch-norm statistics re-estimated on training batches; validation only reported.
   */
  averageFrom?: number;
  /** Test-time shifts (src/model/shifts.ts) the model is scored and shipped with; absent: none. */
  testTimeShifts?: number[];
  /** The rhythm guard (src/model/rhythm-guard.ts) the model is scored and shipped with; absent: none. */
  rhythmGuard?: RhythmGuard;
  /** The morph smoothing (src/model/morph-smoothing.ts) the model is scored and shipped with; absent: none. */
  morphSmoothing?: MorphSmoothing;
  /** The QRS veto (src/model/qrs-veto.ts) the model is scored and shipped with; absent: none. */
  qrsVeto?: QrsVeto;
  /** The second template (src/model/second-template.ts) the model is shipped with (not scored in training). */
  secondTemplate?: SecondTemplate;
  /**
   * Training beats of a record with a second QRS shape are shown against its second template too (built from the
   * N labels by secondTemplate's rule, SECOND_TEMPLATE if absent), as the model shows them at inference.
   */
  secondTemplateInTraining?: boolean;
  /** The beat window the dataset was cut with (absent: DEFAULT_WINDOW, 256 samples [R-90, R+166)). */
  window?: WindowSpec;
  /** Also keep every epoch's weights as epoch-<n>.ckpt in the run directory. */
  keepEpochs?: boolean;
  /**
   * Knowledge distillation (distill.ts): each training target is (1 - alpha) one-hot label + alpha x the
   * mean probabilities of these teacher model directories on the same augmented batch.
   */
  distill?: { teachers: string[]; alpha: number };
  /** Mixup (augment.ts mixupBatch) of every training batch with Beta(alpha, alpha) weights; absent: none. */
  mixup?: number;
}

/** The template name of a record's beats shown against its second template in training. */
const secondRecord = (record: string): string => `${record}~second`;

/**
 * train --second-template-in-training: the second templates of a training part's records from its N labels (as
 * the model's N calls make them at inference), by secondRecord name, and which rows take them (1).
 */
export function trainingSecondTemplates(part: BeatPart, len: number, before: number, rule: SecondTemplate) {
  const usual = Uint8Array.from(part.y, (y) => (y === 0 ? 1 : 0));
  const { templates, moved } = templatesOfSecondShape(
    rule,
    part.x,
    { len, before, fs: DATASET_FS },
    {
      record: part.record,
      usual,
    },
  );
  const mask = new Uint8Array(part.y.length);
  for (const i of moved) mask[i] = 1;
  return { templates: new Map([...templates].map(([r, t]) => [secondRecord(r), t])), moved: mask };
}

/** A dataset to train on, with the lead twin of its training part when the config asks for otherLead. */
export type TrainingData = BeatDataset & { leadTwin?: LeadTwin };

export const TRAIN_DEFAULTS: Omit<TrainConfig, "arch"> = {
  epochs: 10,
  seed: 1,
  batchSize: 128,
  maxLr: 3e-3,
  weightDecay: 1e-4,
  balance: "oversample",
  oversampleRatio: 0.25,
  rr: false,
  augment: NO_AUGMENT,
  dropout: 0,
  threads: 2,
};

export interface EpochLog {
  epoch: number;
  loss: number;
  /** null: no validation part */
  valAccuracy: number | null;
  valMacroF1: number | null;
  /** What chose the epoch: valMacroF1, or the mean F1 of the classes with chooseMinSupport beats. */
  valScore?: number | null;
  samplesPerSec: number;
  seconds: number;
}

export interface RunState {
  config: TrainConfig;
  scheme: string;
  split: string;
  epoch: number;
  history: EpochLog[];
  best: { epoch: number; valMacroF1: number | null; valScore?: number | null } | null;
  /** With averageFrom, once done: the averaged epochs (average.ckpt) and its validation macro-F1. */
  averaged?: { from: number; to: number; valMacroF1: number | null };
}

export interface TrainEvents {
  onStep?(p: { epoch: number; step: number; steps: number; loss: number; samplesPerSec: number }): void;
  onEpoch?(log: EpochLog, isBest: boolean): void;
}

export async function train(
  data: TrainingData,
  config: TrainConfig,
  outDir: string,
  opts: { resume?: boolean; events?: TrainEvents } = {},
): Promise<{ trainer: Trainer; state: RunState }> {
  const fixed = config.lastEpoch === true || config.averageFrom !== undefined;
  if (data.parts.val.y.length === 0 && !fixed)
    throw new Error("no validation part to choose the epoch by: train with lastEpoch or averageFrom");
  if (config.averageFrom !== undefined && !(config.averageFrom >= 1 && config.averageFrom <= config.epochs))
    throw new RangeError(`averageFrom must be an epoch in 1..${config.epochs}`);
  const K = data.classes.length;
  const rrCols = inputColumns(config);
  const part = data.parts.train;
  const weights =
    config.balance === "weights" ? [...classWeights(part.y, K, config.weightPower ?? 1)] : undefined;
  const want = config.window ?? DEFAULT_WINDOW;
  if (!sameWindow(want, data.window))
    throw new Error(`the run's window ${windowText(want)} is not the dataset's ${windowText(data.window)}`);
  const student = {
    classes: data.classes,
    morph: config.morph ?? "none",
    rrColumns: rrCols,
    window: data.window,
  };
  if (config.mixup !== undefined && !(config.mixup > 0)) throw new RangeError("mixup alpha must be > 0");
  if (config.mixup !== undefined && config.distill) throw new Error("mixup and distillation do not combine");
  const teachers = config.distill
    ? await openTeachers(config.distill.teachers, student, config.distill.alpha, config.threads)
    : null;
  const trainer = await createTrainer({
    ...{ arch: config.arch, numClasses: K, extraFeatures: rrCols.length, seed: config.seed },
    ...{
      batchSize: config.batchSize,
      weightDecay: config.weightDecay,
      classWeights: weights,
      threads: config.threads,
      dropout: config.dropout,
      focalGamma: config.focalGamma,
      inputChannels: morphChannels(config.morph ?? "none"),
      inputLength: data.windowLength,
    },
  });
  let state: RunState = { config, scheme: data.scheme, split: data.split, epoch: 0, history: [], best: null };
  if (opts.resume && existsSync(join(outDir, "last.ckpt"))) state = await resumeFrom(outDir, trainer, state);

  const batches = trainingBatches(data, config);
  const B = config.batchSize;
  for (let epoch = state.epoch + 1; epoch <= config.epochs; epoch++) {
    const t0 = performance.now();
    const idx = batches.order(epoch);
    const augRng = mulberry32(fnv1a32(`${config.seed}:${epoch}:augment`));
    const mixRng = mulberry32(fnv1a32(`${config.seed}:${epoch}:mixup`));
    let lossSum = 0;
    for (let s = 0; s < batches.steps; s++) {
      const b = batches.batch(idx, s, augRng);
      const lr = oneCycleLr((epoch - 1) * batches.steps + s, config.epochs * batches.steps, config.maxLr);
      const m = config.mixup ? mixupBatch(b, K, config.mixup, mixRng) : null;
      const input = m ?? b;
      const y = m ? m.y : teachers ? await teachers.targets(b.x, b.y, b.extra) : b.y;
      const loss = await trainer.step(input.x, y, lr, input.extra);
      lossSum += loss;
      const samplesPerSec = ((s + 1) * B) / ((performance.now() - t0) / 1000);
      opts.events?.onStep?.({ epoch, step: s + 1, steps: batches.steps, loss, samplesPerSec });
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    const val = await scorePart(trainer, data, "val", config);
    const log: EpochLog = {
      epoch,
      loss: lossSum / Math.max(1, batches.steps),
      valAccuracy: val?.accuracy ?? null,
      valMacroF1: val?.macroF1 ?? null,
      valScore: val ? choiceScore(val, config.chooseMinSupport ?? 0) : null,
      samplesPerSec: (batches.steps * B) / trainSeconds,
      seconds: (performance.now() - t0) / 1000,
    };
    const isBest = fixed || state.best === null || choiceOf(log) > choiceOf(state.best);
    state = {
      ...state,
      epoch,
      history: [...state.history, log],
      best: isBest ? { epoch, valMacroF1: log.valMacroF1, valScore: log.valScore } : state.best,
    };
    if (isBest) await saveCheckpoint(join(outDir, "best.ckpt"), state, trainer.getWeights());
    await saveCheckpoint(join(outDir, "last.ckpt"), state, withOptimizer(trainer));
    if (config.keepEpochs || epoch >= (config.averageFrom ?? Infinity))
      await saveCheckpoint(join(outDir, `epoch-${epoch}.ckpt`), state, trainer.getWeights());
    opts.events?.onEpoch?.(log, isBest);
  }
  await teachers?.release();
  if (config.averageFrom !== undefined && state.epoch === config.epochs)
    state = await averageEpochs(trainer, data, config, outDir, state);
  return { trainer, state };
}

/** An epoch's choosing score as logged (-1 without a validation part). */
const choiceOf = (b: { valScore?: number | null; valMacroF1: number | null }) =>
  b.valScore ?? b.valMacroF1 ?? -1;

/** Batches the averaged weights' batch-norm statistics are re-estimated on. */
const BN_REFRESH_BATCHES = 200;

/** Averages the kept epochs' weights into average.ckpt (see TrainConfig.averageFrom) and scores it. */
async function averageEpochs(
  trainer: Trainer,
  data: TrainingData,
  config: TrainConfig,
  outDir: string,
  state: RunState,
): Promise<RunState> {
  const from = config.averageFrom!;
  const sets = [];
  for (let e = from; e <= config.epochs; e++)
    sets.push((await loadCheckpoint(join(outDir, `epoch-${e}.ckpt`))).tensors);
  trainer.setWeights(averageWeights(sets));
  await refreshBatchNorm(trainer, someTrainingBatches(data, config, BN_REFRESH_BATCHES));
  const val = await scorePart(trainer, data, "val", config);
  const done = { ...state, averaged: { from, to: config.epochs, valMacroF1: val?.macroF1 ?? null } };
  await saveCheckpoint(join(outDir, "average.ckpt"), done, trainer.getWeights());
  return done;
}

/**
 * The training part as batches: each epoch a fresh oversampling and shuffle from (seed, epoch) alone; a
 * batch gathered, augmented (waveform, premature swap, simulated AF RR) and turned into the net's input.
 */
export function trainingBatches(data: TrainingData, config: TrainConfig) {
  const K = data.classes.length;
  const len = data.windowLength;
  const own = data.parts.train;
  const otherLead = config.augment.otherLead ?? 0;
  const twin = otherLead > 0 ? data.leadTwin : undefined;
  if (otherLead > 0 && !twin) throw new Error("--other-lead: the dataset has no lead twin");
  // with a lead twin, rows n.. are the twin beats; the oversampling draws from rows 0..n-1 only
  const part = twin ? concatParts(own, twin.part, len) : own;
  const second = config.secondTemplateInTraining
    ? trainingSecondTemplates(part, len, data.window.before, config.secondTemplate ?? SECOND_TEMPLATE)
    : undefined;
  const templates = new Map([...data.templates, ...(twin?.templates ?? []), ...(second?.templates ?? [])]);
  const rrCols = inputColumns(config);
  const unknown = Object.keys(config.oversampleCap ?? {}).filter((c) => !data.classes.includes(c));
  if (unknown.length > 0)
    throw new Error(`oversampling cap for ${unknown.join(", ")}: not a class of ${data.classes.join(" ")}`);
  const cap = config.oversampleCap && data.classes.map((name) => config.oversampleCap?.[name]);
  const power = config.oversampleRecordPower;
  const groups = power === undefined ? {} : { groups: { of: own.record, power } };
  const order = (epoch: number | string) => {
    const rng = mulberry32(fnv1a32(`${config.seed}:${epoch}`));
    const idx =
      config.balance === "oversample"
        ? oversampleIndices(own.y, K, { ratio: config.oversampleRatio, rng, cap, ...groups })
        : Int32Array.from(own.y.keys());
    if (twin) {
      const leadRng = mulberry32(fnv1a32(`${config.seed}:${epoch}:other-lead`));
      const n = own.y.length;
      idx.forEach((i, k) => {
        if (twin.twin[i] >= 0 && leadRng() < otherLead) idx[k] = n + twin.twin[i];
      });
    }
    return shuffle(idx, rng);
  };
  const augment = augmentsWindows(config.augment)
    ? { part, len, center: data.window.before, premature: prematureClass(data.classes) }
    : null;
  const normals = augment && config.augment.prematureSwap > 0 ? normalRowsByRecord(part) : new Map();
  const fusion = config.augment.fusionSynth ?? 0;
  const fusionClass = data.classes.indexOf("F");
  if (fusion > 0 && fusionClass < 0)
    throw new Error(`--fusion-synth: no F class in ${data.classes.join(" ")}`);
  const sources = fusion > 0 ? fusionSources(part, data.classes.indexOf("V")) : [];
  const B = config.batchSize;
  const batch = (idx: Int32Array, s: number, augRng: () => number) => {
    const b = gatherBatch(part, idx, s * B, B, len, rrCols);
    const rows = idx.subarray(s * B, (s + 1) * B);
    const records =
      fusion > 0
        ? synthesizeFusion(
            b,
            { part, rows, len, f: fusionClass, rrCols },
            sources,
            fusion,
            augRng,
            config.augment.fusionWeight,
          )
        : Array.from(rows, (r) => (second?.moved[r] ? secondRecord(part.record[r]) : part.record[r]));
    if (augment) augmentBatch(b.x, config.augment, { ...augment, normals, rows }, augRng);
    const af = config.augment.afRhythm ?? 0;
    if (af > 0 && b.extra) simulateAfRR(b.extra, rrCols, part, rows, af, augRng);
    const morph = config.morph ?? "none";
    const vp = config.augment.virtualPatient ?? 0;
    if (vp === 0) return { ...b, x: datasetMorph(b.x, records, len, templates, morph) };
    const templateOf = recordTemplateOf(records, templates, morph);
    const t = virtualPatients(
      b.x,
      records.map((_, k) => templateOf(k)),
      len,
      data.window.before,
      vp,
      augRng,
    );
    return { ...b, x: morphInput(b.x, len, (k) => t[k], morph) };
  };
  // the same every epoch (oversampling targets are fixed)
  return { steps: Math.floor(order(1).length / B), order, batch };
}

/**
 * Re-estimates the batch-norm running statistics of the trainer's current weights (e.g. averaged ones)
 * as the plain mean of the batch statistics of `batches`. The steps run at learning rate 0, so the
 * weights stay as they are; each step's batch statistics are recovered from the running-statistics
 * update (running <- (1 - m) running + m batch).
 */
export async function refreshBatchNorm(
  trainer: Trainer,
  batches: Iterable<{ x: Float32Array; y: Int32Array; extra?: Float32Array }>,
): Promise<void> {
  const w0 = trainer.getWeights();
  const names = Object.keys(w0).filter((n) => /\.running_(mean|var)$/.test(n));
  const sums = new Map(names.map((n) => [n, new Float64Array(w0[n].length)]));
  let n = 0;
  let before = w0;
  for (const b of batches) {
    await trainer.step(b.x, b.y, 0, b.extra);
    const after = trainer.getWeights();
    for (const name of names) {
      const sum = sums.get(name)!;
      for (let i = 0; i < sum.length; i++)
        sum[i] += (after[name][i] - (1 - BN_MOMENTUM) * before[name][i]) / BN_MOMENTUM;
    }
    before = after;
    n++;
  }
  if (n === 0) throw new Error("refreshBatchNorm: no batches");
  const w = { ...w0 };
  for (const name of names) w[name] = Float32Array.from(sums.get(name)!, (v) => v / n);
  trainer.setWeights(w);
}

/** `count` training batches (at most an epoch's), drawn like an epoch's but from their own seed. */
export function* someTrainingBatches(data: TrainingData, config: TrainConfig, count: number) {
  const batches = trainingBatches(data, config);
  const idx = batches.order("batchnorm");
  const rng = mulberry32(fnv1a32(`${config.seed}:batchnorm:augment`));
  for (let s = 0; s < Math.min(count, batches.steps); s++) yield batches.batch(idx, s, rng);
}

/** The element-wise mean of weight sets with the same tensors (stochastic weight averaging). */
export function averageWeights(sets: readonly Record<string, Float32Array>[]): Record<string, Float32Array> {
  if (sets.length === 0) throw new Error("averageWeights: no weights");
  const out: Record<string, Float32Array> = {};
  for (const name of Object.keys(sets[0])) {
    const sum = new Float64Array(sets[0][name].length);
    for (const w of sets) {
      const t = w[name];
      if (t?.length !== sum.length) throw new Error(`averageWeights: ${name} differs between the sets`);
      for (let i = 0; i < sum.length; i++) sum[i] += t[i];
    }
    out[name] = Float32Array.from(sum, (v) => v / sets.length);
  }
  return out;
}

/** Restores weights and progress from last.ckpt; the run's settings must match the checkpoint's. */
async function resumeFrom(outDir: string, trainer: Trainer, fresh: RunState): Promise<RunState> {
  const { meta, tensors } = await loadCheckpoint<RunState>(join(outDir, "last.ckpt"));
  const want = { ...fresh.config, scheme: fresh.scheme, split: fresh.split };
  const have = { ...meta.config, scheme: meta.scheme, split: meta.split } as Record<string, unknown>;
  const str = (v: unknown) => JSON.stringify(v ?? null);
  const differ = Object.entries(want).filter(([k, v]) => k !== "threads" && str(have[k]) !== str(v));
  if (differ.length > 0)
    throw new Error(
      `cannot resume: ${differ.map(([k, v]) => `${k} ${str(have[k])} in the checkpoint, ${str(v)} now`).join("; ")}`,
    );
  const { [ADAM_M]: m, [ADAM_V]: v, [ADAM_STEP]: step, ...weights } = tensors;
  trainer.setWeights(weights);
  if (m && v && step) trainer.setOptimizerState({ m, v, step: step[0] });
  return { ...meta, config: fresh.config };
}

// last.ckpt also holds AdamW's moments and step count, so that a resumed run equals an uninterrupted one.
const ADAM_M = "adamw.m";
const ADAM_V = "adamw.v";
const ADAM_STEP = "adamw.step";

function withOptimizer(trainer: Trainer): Record<string, Float32Array> {
  const o = trainer.getOptimizerState();
  return { ...trainer.getWeights(), [ADAM_M]: o.m, [ADAM_V]: o.v, [ADAM_STEP]: Float32Array.of(o.step) };
}

/** Metrics of the trainer's current weights on a part; null if the part is empty. */
export async function scorePart(
  trainer: Trainer,
  data: BeatDataset,
  p: "val" | "test",
  config: Pick<
    TrainConfig,
    "rr" | "irregularity" | "morph" | "testTimeShifts" | "rhythmGuard" | "morphSmoothing" | "qrsVeto"
  >,
): Promise<Metrics | null> {
  const part = data.parts[p];
  if (part.y.length === 0) return null;
  const plain = (x: Float32Array, e?: Float32Array) => trainer.predict(x, e);
  const predict = withShifts(plain, data.windowLength, config.testTimeShifts);
  const input = partInput(data, p, config.morph);
  const k = data.classes.length;
  const net = await predictPart(predict, part, data.windowLength, k, inputColumns(config), 512, input);
  const spec = { classes: data.classes, window: data.window, ...config };
  const { probs } = decideProbs(spec, net, { rr: part.rr, windows: part.x, record: part.record });
  const pred = argmaxRows(probs, k);
  return evaluatePredictions(part.y, pred, data.classes);
}

/** predictPart's input transform for a part of `data` under a morph mode. */
export function partInput(data: BeatDataset, p: "val" | "test", morph: MorphInput = "none") {
  const part = data.parts[p];
  return (x: Float32Array, from: number): Float32Array =>
    datasetMorph(
      x,
      part.record.slice(from, from + x.length / data.windowLength),
      data.windowLength,
      data.templates,
      morph,
    );
}

/** The epoch-choosing score: mean F1 of the classes with >= minSupport validation beats (macro-F1 if 0 or none). */
export function choiceScore(m: Metrics, minSupport: number): number {
  const used = m.perClass.filter((c) => c.support >= Math.max(1, minSupport));
  return used.length === 0 ? m.macroF1 : used.reduce((a, c) => a + c.f1, 0) / used.length;
}
