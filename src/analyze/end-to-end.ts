// End-to-end scoring (ANSI/AAMI EC57 style): beats found by our detector and classified by a model, against
// the reference beat annotations of the record.
import { labelOf, type LabelScheme } from "../beats/index.js";
import { metricsFromConfusion, type CausalOptions, type Classifier, type Metrics } from "../model/index.js";
import { matchBeats } from "../signal/index.js";
import { isBeatCode, readAnnotations } from "../wfdb/index.js";
import { analyzeRecord } from "./analyze.js";
import { streamRecord, type BeatDelay } from "./stream-record.js";

/** A reference beat annotation (WFDB isqrs code) of a record. */
export interface ReferenceBeat {
  sample: number;
  symbol: string;
}

/** A detected, classified beat. */
export interface PredictedBeat {
  sample: number;
  label: string;
}

/** Counts of one or more records (class order: the scheme's). */
export interface EndToEndCounts {
  /** Matched beats: rows reference class, columns predicted class. */
  confusion: number[][];
  /** Reference beats of each class that no detection matched. */
  missed: number[];
  /** Detections that matched no reference beat annotation. */
  falseDetections: number;
  /** Detections matched to a reference beat the scheme leaves out (e.g. paper: '/', 'f', 'j'): not scored. */
  excludedMatched: number;
  /** Reference beats the scheme leaves out, matched or not: not scored. */
  excludedReference: number;
}

export interface EndToEndOptions {
  /** Match window (s) on either side of a reference beat; bxb and EC57 use 0.15. */
  tolerance?: number;
}

/** Where a scored whole-record run takes its beats: our detector, or the reference annotations themselves. */
export type ScoredBeats = "detect" | "atr";

export function emptyCounts(nClasses: number): EndToEndCounts {
  return {
    confusion: Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0)),
    missed: new Array<number>(nClasses).fill(0),
    falseDetections: 0,
    excludedMatched: 0,
    excludedReference: 0,
  };
}

/**
 * Scores one record: detections are matched one-to-one to ALL reference beat annotations within ±tolerance
 * (bxb's rule, `matchBeats`); a matched reference beat of a scheme class adds a (reference, predicted) pair
 * to the confusion, an unmatched one is missed; a detection matching no reference beat is a false
 * detection. Reference beats the scheme excludes count nowhere, matched or not. Both lists ascending.
 */
export function scoreEndToEnd(
  reference: readonly ReferenceBeat[],
  predicted: readonly PredictedBeat[],
  scheme: LabelScheme,
  fs: number,
  opts: EndToEndOptions = {},
): EndToEndCounts {
  const classes = scheme.classes;
  const out = emptyCounts(classes.length);
  const tol = Math.round((opts.tolerance ?? 0.15) * fs);
  const pairs = matchBeats(
    reference.map((b) => b.sample),
    predicted.map((b) => b.sample),
    tol,
  );
  const refMatched = new Uint8Array(reference.length);
  for (const [i, j] of pairs) {
    refMatched[i] = 1;
    const t = labelOf(scheme, reference[i].symbol);
    if (t < 0) {
      out.excludedMatched++;
      continue;
    }
    const p = classes.indexOf(predicted[j].label);
    if (p < 0) throw new Error(`scoreEndToEnd: predicted label ${predicted[j].label} is not a scheme class`);
    out.confusion[t][p]++;
  }
  reference.forEach((b, i) => {
    const t = labelOf(scheme, b.symbol);
    if (t < 0) out.excludedReference++;
    else if (!refMatched[i]) out.missed[t]++;
  });
  out.falseDetections = predicted.length - pairs.length;
  return out;
}

/** Sums the counts of several records. */
export function addCounts(a: EndToEndCounts, b: EndToEndCounts): EndToEndCounts {
  return {
    confusion: a.confusion.map((row, i) => row.map((v, j) => v + b.confusion[i][j])),
    missed: a.missed.map((v, i) => v + b.missed[i]),
    falseDetections: a.falseDetections + b.falseDetections,
    excludedMatched: a.excludedMatched + b.excludedMatched,
    excludedReference: a.excludedReference + b.excludedReference,
  };
}

export interface DetectionReport {
  /** Scored reference beats (matched + missed). */
  reference: number;
  matched: number;
  missed: number;
  missedPerClass: Record<string, number>;
  falseDetections: number;
  /** Detections matched to reference beats the scheme excludes (not scored). */
  excludedMatched: number;
  excludedReference: number;
}

export interface EndToEndSummary {
  /** Metrics over the matched beats only. */
  metrics: Metrics;
  detection: DetectionReport;
  /** Correctly classified matched beats / (matched + missed): a missed beat counts as wrong. */
  endToEndAccuracy: number;
}

/** Metrics over the matched beats, detection counts and the end-to-end accuracy. */
export function summarizeEndToEnd(counts: EndToEndCounts, classes: readonly string[]): EndToEndSummary {
  const metrics = metricsFromConfusion(counts.confusion, classes);
  const missed = counts.missed.reduce((a, b) => a + b, 0);
  const correct = counts.confusion.reduce((s, row, i) => s + row[i], 0);
  const scored = metrics.total + missed;
  return {
    metrics,
    detection: {
      reference: scored,
      matched: metrics.total,
      missed,
      missedPerClass: Object.fromEntries(classes.map((c, i) => [c, counts.missed[i]])),
      falseDetections: counts.falseDetections,
      excludedMatched: counts.excludedMatched,
      excludedReference: counts.excludedReference,
    },
    endToEndAccuracy: scored > 0 ? correct / scored : 0,
  };
}

/** The reference beat annotations (WFDB isqrs codes) of `<path>.atr`, ascending. */
export async function referenceBeats(path: string): Promise<ReferenceBeat[]> {
  return (await readAnnotations(path, "atr"))
    .filter((a) => isBeatCode(a.code))
    .map((a) => ({ sample: a.sample, symbol: a.symbol }))
    .sort((a, b) => a.sample - b.sample);
}

/**
 * One record end to end, as `classify --beats detect` runs it (our detector, then the classifier, the
 * template of a pair model from the detected beats), scored against `<path>.atr`; with `beats` "atr", as
 * `classify --beats atr` runs it (every reference beat classified where it is annotated, so each is matched).
 */
export async function endToEndRecord(
  path: string,
  classifier: Classifier,
  scheme: LabelScheme,
  opts: EndToEndOptions & { beats?: ScoredBeats } = {},
): Promise<EndToEndCounts> {
  const analysis = await analyzeRecord(path, classifier, { beats: opts.beats ?? "detect" });
  return scoreEndToEnd(await referenceBeats(path), analysis.beats, scheme, analysis.fs, opts);
}

/**
 * endToEndRecord through the causal stream (AnalyzerStream, `causal`: running recordRR and template), fed
 * 0.1 s at a time: the counts and each detected beat's delay.
 */
export async function endToEndCausal(
  path: string,
  classifier: Classifier,
  scheme: LabelScheme,
  opts: EndToEndOptions & { causal?: CausalOptions } = {},
): Promise<{ counts: EndToEndCounts; delays: BeatDelay[] }> {
  const a = await streamRecord(path, classifier, { beats: "detect", causal: opts.causal ?? true });
  return { counts: scoreEndToEnd(await referenceBeats(path), a.beats, scheme, a.fs, opts), delays: a.delays };
}
