// Test-set evaluation of a classifier: metrics, confusion matrix, size and speed.
import { windowLength, type BeatPart } from "../beats/index.js";
import { datasetMorph, morphOf, netInputShape, selectExtra } from "./beat-inputs.js";
import { argmaxRows } from "./batches.js";
import type { ModelMeta } from "./bundle.js";
import { secondTemplateNet, type Classifier } from "./classify.js";
import {
  confusionsByRecord,
  evaluatePredictions,
  recordBreakdown,
  type Metrics,
  type RecordBreakdown,
} from "./metrics.js";
import { decideProbs } from "./decide.js";

export interface ClassReport {
  support: number;
  precision: number;
  sensitivity: number;
  specificity: number;
  f1: number;
}

export interface SpeedReport {
  /** Median milliseconds of one inference call on one beat (batch 1). */
  latencyMsBatch1: number;
  /** Beats per second classified in batches of 256. */
  throughputBatch256: number;
  threads: number;
}

export interface EvaluationReport {
  beats: number;
  classes: string[];
  accuracy: number;
  macroF1: number;
  perClass: Record<string, ClassReport>;
  /** Rows: true class, columns: predicted, in `classes` order. */
  confusion: number[][];
  params: number;
  footprintKB: number;
  onnxBytes: number;
}

/** Records' templates (BeatDataset.templates): needed by a model with morph "residual" or "pair". */
export type Templates = ReadonlyMap<string, Float32Array>;

/** The net inputs of a part's windows for the classifier's model (with each record's template if its morph
 * says so: n x channels x len). */
export function partNetInput(c: Classifier, part: BeatPart, templates?: Templates): Float32Array {
  return datasetMorph(part.x, part.record, windowLength(c.meta.window), templates, morphOf(c.meta));
}

/** Metrics of `c` on a dataset part (its beats as the dataset cut them), pooled and per record. */
export async function evaluateOnPart(
  c: Classifier,
  part: BeatPart,
  templates?: Templates,
): Promise<{ report: EvaluationReport; metrics: Metrics; byRecord: RecordBreakdown }> {
  const meta = c.meta;
  const k = meta.classes.length;
  const extra = selectExtra(part.rr, meta);
  const beats = { rr: part.rr, windows: part.x, record: part.record };
  const first = await c.predict(partNetInput(c, part, templates), extra);
  const { net, decision } = await secondTemplateNet(c, first, beats, extra);
  const { probs } = decideProbs(meta, net, { ...beats, ...decision });
  const y = argmaxRows(probs, k);
  const metrics = evaluatePredictions(part.y, y, meta.classes);
  const byRecord = recordBreakdown(confusionsByRecord(part.y, y, part.record, k), meta.classes);
  return { metrics, report: reportFromMetrics(metrics, meta), byRecord };
}

/** The report of metrics of a model (its size from `meta`). */
export function reportFromMetrics(
  metrics: Metrics,
  meta: Pick<ModelMeta, "classes" | "params" | "footprintKB" | "onnxBytes">,
): EvaluationReport {
  const perClass = Object.fromEntries(
    metrics.perClass.map((m) => [
      m.name,
      {
        support: m.support,
        precision: m.precision,
        sensitivity: m.sensitivity,
        specificity: m.specificity,
        f1: m.f1,
      },
    ]),
  );
  return {
    beats: metrics.total,
    classes: [...meta.classes],
    accuracy: metrics.accuracy,
    macroF1: metrics.macroF1,
    perClass,
    confusion: metrics.confusion,
    params: meta.params,
    footprintKB: meta.footprintKB,
    onnxBytes: meta.onnxBytes,
  };
}

export interface SpeedOptions {
  /** Timed batch-1 calls (default 300, after 30 warm-up calls). */
  latencyRuns?: number;
  /** Least number of timed batches of 256 (default 20, after 2 warm-up batches; at least 1 s in all). */
  batches?: number;
  threads: number;
  /** The records' templates, for a residual or pair model. */
  templates?: Templates;
}

/** Per-beat latency (batch 1, median) and throughput (batch 256) of `c` on beats of `part` (cycled). */
export async function measureSpeed(c: Classifier, part: BeatPart, o: SpeedOptions): Promise<SpeedReport> {
  const { size } = netInputShape(c.meta);
  const n = part.y.length;
  if (n === 0) throw new Error("no beats to time");
  const xAll = partNetInput(c, part, o.templates);
  const extraAll = selectExtra(part.rr, c.meta);
  const nx = c.meta.extraFeatures.length;
  const rows = (start: number, m: number) => {
    const x = new Float32Array(m * size);
    const e = extraAll ? new Float32Array(m * nx) : undefined;
    for (let j = 0; j < m; j++) {
      const i = (start + j) % n;
      x.set(xAll.subarray(i * size, (i + 1) * size), j * size);
      if (e && extraAll) e.set(extraAll.subarray(i * nx, (i + 1) * nx), j * nx);
    }
    return { x, e };
  };
  const runs = o.latencyRuns ?? 300;
  const times: number[] = [];
  for (let r = -30; r < runs; r++) {
    const { x, e } = rows(r + 30, 1);
    const t0 = performance.now();
    await c.predict(x, e);
    if (r >= 0) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const minBatches = o.batches ?? 20;
  const inputs = Array.from({ length: 8 }, (_, b) => rows(b * 256, 256));
  for (const w of inputs.slice(0, 2)) await c.predict(w.x, w.e);
  // At least `minBatches` batches and one second, so that a busy machine averages over its noise.
  let batches = 0;
  const t0 = performance.now();
  while (batches < minBatches || (performance.now() - t0 < 1000 && batches < 4000)) {
    const w = inputs[batches++ % inputs.length];
    await c.predict(w.x, w.e);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    latencyMsBatch1: Number(times[Math.floor(times.length / 2)].toFixed(4)),
    throughputBatch256: Math.round((batches * 256) / seconds),
    threads: o.threads,
  };
}
