// The training loop, nanoGPT style: one flat loop over epochs and batches. Each epoch draws a fresh
// oversampling of the training part and a fresh shuffle from (seed, epoch) alone, steps AdamW on a
// one-cycle schedule, scores macro-F1 on the validation part, keeps the best epoch's weights
// (best.ckpt) and writes last.ckpt atomically, so --resume continues after the last finished epoch.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  DEFAULT_WINDOW,
  classWeights,
  fnv1a32,
  mulberry32,
  morphChannels,
  oversampleIndices,
  type BeatDataset,
  type MorphInput,
} from "../beats/index.js";
import { datasetMorph } from "./beat-inputs.js";
import { IRREGULARITY_COLUMN, RR_INPUT_COLUMNS, gatherBatch, predictPart, shuffle } from "./batches.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { evaluatePredictions, type Metrics } from "./metrics.js";
import { oneCycleLr } from "./schedule.js";
import { createTrainer, type Trainer } from "./trainer.js";
import {
  NO_AUGMENT,
  augmentBatch,
  isAugmenting,
  normalRowsByRecord,
  prematureClass,
  simulateAfRR,
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
  /** Feed the per-patient RR ratios (RR_INPUT_COLUMNS) through the net's extra pathway. */
  rr: boolean;
  /** With rr: also the local RR irregularity (localRRdiff/localRR). */
  irregularity?: boolean;
  /** Training-batch augmentation (augment.ts); NO_AUGMENT: none. */
  augment: AugmentConfig;
  /** Dropout on the pooled (+ RR) features before the classifier, training only (0: none). */
  dropout: number;
  threads: number;
  /**
   * The epoch is chosen by the mean validation F1 of the classes with at least this many validation beats
   * (absent or 0: every class present, i.e. macro-F1); a class with a handful of beats only adds noise.
   */
  chooseMinSupport?: number;
  /** Waveform input beside the record's template (src/beats/template.ts); absent: "none". */
  morph?: MorphInput;
}

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
  valAccuracy: number;
  valMacroF1: number;
  /** What chose the epoch: valMacroF1, or the mean F1 of the classes with chooseMinSupport beats. */
  valScore?: number;
  samplesPerSec: number;
  seconds: number;
}

export interface RunState {
  config: TrainConfig;
  scheme: string;
  split: string;
  epoch: number;
  history: EpochLog[];
  best: { epoch: number; valMacroF1: number; valScore?: number } | null;
}

export interface TrainEvents {
  onStep?(p: { epoch: number; step: number; steps: number; loss: number; samplesPerSec: number }): void;
  onEpoch?(log: EpochLog, isBest: boolean): void;
}

export async function train(
  data: BeatDataset,
  config: TrainConfig,
  outDir: string,
  opts: { resume?: boolean; events?: TrainEvents } = {},
): Promise<{ trainer: Trainer; state: RunState }> {
  const K = data.classes.length;
  const len = data.windowLength;
  const rrCols = inputColumns(config);
  const part = data.parts.train;
  const weights =
    config.balance === "weights" ? [...classWeights(part.y, K, config.weightPower ?? 1)] : undefined;
  const trainer = await createTrainer({
    ...{ arch: config.arch, numClasses: K, extraFeatures: rrCols.length, seed: config.seed },
    ...{
      batchSize: config.batchSize,
      weightDecay: config.weightDecay,
      classWeights: weights,
      threads: config.threads,
      dropout: config.dropout,
      inputChannels: morphChannels(config.morph ?? "none"),
    },
  });
  let state: RunState = { config, scheme: data.scheme, split: data.split, epoch: 0, history: [], best: null };
  if (opts.resume && existsSync(join(outDir, "last.ckpt"))) state = await resumeFrom(outDir, trainer, state);

  const unknown = Object.keys(config.oversampleCap ?? {}).filter((c) => !data.classes.includes(c));
  if (unknown.length > 0)
    throw new Error(`oversampling cap for ${unknown.join(", ")}: not a class of ${data.classes.join(" ")}`);
  const cap = config.oversampleCap && data.classes.map((name) => config.oversampleCap?.[name]);
  const epochOrder = (epoch: number) => {
    const rng = mulberry32(fnv1a32(`${config.seed}:${epoch}`));
    const idx =
      config.balance === "oversample"
        ? oversampleIndices(part.y, K, { ratio: config.oversampleRatio, rng, cap })
        : Int32Array.from(part.y.keys());
    return shuffle(idx, rng);
  };
  const augment = isAugmenting(config.augment)
    ? { part, len, center: DEFAULT_WINDOW.before, premature: prematureClass(data.classes) }
    : null;
  const normals = augment && config.augment.prematureSwap > 0 ? normalRowsByRecord(part) : new Map();
  const B = config.batchSize;
  const steps = Math.floor(epochOrder(1).length / B); // the same every epoch (oversampling targets are fixed)
  for (let epoch = state.epoch + 1; epoch <= config.epochs; epoch++) {
    const t0 = performance.now();
    const idx = epochOrder(epoch);
    const augRng = mulberry32(fnv1a32(`${config.seed}:${epoch}:augment`));
    let lossSum = 0;
    for (let s = 0; s < steps; s++) {
      const b = gatherBatch(part, idx, s * B, B, len, rrCols);
      const rows = idx.subarray(s * B, (s + 1) * B);
      if (augment) augmentBatch(b.x, config.augment, { ...augment, normals, rows }, augRng);
      const af = config.augment.afRhythm ?? 0;
      if (af > 0 && b.extra) simulateAfRR(b.extra, rrCols, part, rows, af, augRng);
      const x = datasetMorph(
        b.x,
        Array.from(rows, (r) => part.record[r]),
        len,
        data.templates,
        config.morph ?? "none",
      );
      const lr = oneCycleLr((epoch - 1) * steps + s, config.epochs * steps, config.maxLr);
      const loss = await trainer.step(x, b.y, lr, b.extra);
      lossSum += loss;
      const samplesPerSec = ((s + 1) * B) / ((performance.now() - t0) / 1000);
      opts.events?.onStep?.({ epoch, step: s + 1, steps, loss, samplesPerSec });
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    const pred = await predictPart(
      (x, e) => trainer.predict(x, e),
      data.parts.val,
      len,
      K,
      rrCols,
      512,
      partInput(data, "val", config.morph),
    );
    const val = evaluatePredictions(data.parts.val.y, pred, data.classes);
    const log: EpochLog = {
      epoch,
      loss: lossSum / Math.max(1, steps),
      valAccuracy: val.accuracy,
      valMacroF1: val.macroF1,
      valScore: choiceScore(val, config.chooseMinSupport ?? 0),
      samplesPerSec: (steps * B) / trainSeconds,
      seconds: (performance.now() - t0) / 1000,
    };
    const isBest = state.best === null || log.valScore! > (state.best.valScore ?? state.best.valMacroF1);
    state = {
      ...state,
      epoch,
      history: [...state.history, log],
      best: isBest ? { epoch, valMacroF1: log.valMacroF1, valScore: log.valScore } : state.best,
    };
    if (isBest) await saveCheckpoint(join(outDir, "best.ckpt"), state, trainer.getWeights());
    await saveCheckpoint(join(outDir, "last.ckpt"), state, withOptimizer(trainer));
    opts.events?.onEpoch?.(log, isBest);
  }
  return { trainer, state };
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

/** The RR_FEATURES columns a run feeds to the net's extra pathway. */
export const inputColumns = (c: Pick<TrainConfig, "rr" | "irregularity">): number[] =>
  c.rr ? [...RR_INPUT_COLUMNS, ...(c.irregularity ? [IRREGULARITY_COLUMN] : [])] : [];

/** The epoch-choosing score: mean F1 of the classes with >= minSupport validation beats (macro-F1 if 0 or none). */
export function choiceScore(m: Metrics, minSupport: number): number {
  const used = m.perClass.filter((c) => c.support >= Math.max(1, minSupport));
  return used.length === 0 ? m.macroF1 : used.reduce((a, c) => a + c.f1, 0) / used.length;
}
