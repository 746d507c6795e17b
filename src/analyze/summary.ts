// What a whole-record analysis reports: beats per class, heart rate and ectopic burden.
import type { ClassifiedBeat, ModelMeta } from "../model/index.js";

export interface HeartRate {
  /** 60 x (beats - 1) / time from first to last beat, bpm. */
  mean: number;
  /** Lowest and highest heart rate over 8 consecutive RR intervals, bpm. */
  min: number;
  max: number;
}

export interface Burden {
  /** Share of beats (%) classified supraventricular ectopic (A in the paper scheme, S in AAMI). */
  supraventricular: number;
  /** Share of beats (%) classified ventricular ectopic (V). */
  ventricular: number;
  /** Both together (%). */
  total: number;
}

export interface RecordSummary {
  beats: number;
  durationSeconds: number;
  counts: Record<string, number>;
  heartRate: HeartRate | null;
  ectopicBurden: Burden;
  /**
   * A model with a rhythm guard: the beats it found in an irregular rhythm (atrial fibrillation-like RR), on
   * which it rules S out, and their share (%); null for a model without one.
   */
  irregularRhythm: { beats: number; percent: number } | null;
  /**
   * A model with morph smoothing: the beats whose class it changed (`smoothedFrom`), and their
   * share (%); null for a model without it.
   */
  morphSmoothed: { beats: number; percent: number } | null;
  /**
   * A model with a QRS veto: the beats whose class it changed (`vetoedFrom`), and their share (%); null for a
   * model without one.
   */
  qrsVetoed: { beats: number; percent: number } | null;
  /**
   * A model with a second template: the beats the net saw against the record's second normal QRS shape
   * (`secondTemplate`), and their share (%); null for a model without it.
   */
  secondTemplate: { beats: number; percent: number } | null;
}

const SVE = new Set(["A", "S"]);
const VE = new Set(["V"]);
const HR_SPAN = 8;

const round = (v: number, d = 2) => Number(v.toFixed(d));

/** Heart rate from beat samples at `fs` (null with fewer than two beats). */
export function heartRate(samples: readonly number[], fs: number): HeartRate | null {
  const n = samples.length;
  if (n < 2 || samples[n - 1] === samples[0]) return null;
  const mean = (60 * (n - 1) * fs) / (samples[n - 1] - samples[0]);
  const span = Math.min(HR_SPAN, n - 1);
  let min = Infinity;
  let max = -Infinity;
  for (let i = span; i < n; i++) {
    const dt = samples[i] - samples[i - span];
    if (dt <= 0) continue;
    const hr = (60 * span * fs) / dt;
    min = Math.min(min, hr);
    max = Math.max(max, hr);
  }
  return { mean: round(mean, 1), min: round(min, 1), max: round(max, 1) };
}

/**
 * Counts per class (every class of the model listed), heart rate and ectopic burden of classified beats; for a
 * model with a rhythm guard the beats it found in an irregular rhythm, with morph smoothing those it relabelled.
 */
export function summarize(
  beats: readonly ClassifiedBeat[],
  classes: readonly string[],
  fs: number,
  lengthSamples: number,
  model: Pick<ModelMeta, "rhythmGuard" | "morphSmoothing" | "qrsVeto" | "secondTemplate"> = {},
): RecordSummary {
  const counts = Object.fromEntries(classes.map((c) => [c, 0]));
  for (const b of beats) counts[b.label]++;
  const n = beats.length;
  const share = (set: Set<string>) =>
    n === 0 ? 0 : (100 * classes.filter((c) => set.has(c)).reduce((s, c) => s + counts[c], 0)) / n;
  const sv = share(SVE);
  const v = share(VE);
  return {
    beats: n,
    durationSeconds: round(lengthSamples / fs, 3),
    counts,
    heartRate: heartRate(
      beats.map((b) => b.sample),
      fs,
    ),
    ectopicBurden: { supraventricular: round(sv), ventricular: round(v), total: round(sv + v) },
    irregularRhythm: model.rhythmGuard ? flagged(beats, (b) => b.irregularRhythm === true) : null,
    morphSmoothed: model.morphSmoothing ? flagged(beats, (b) => b.smoothedFrom !== undefined) : null,
    qrsVetoed: model.qrsVeto ? flagged(beats, (b) => b.vetoedFrom !== undefined) : null,
    secondTemplate: model.secondTemplate ? flagged(beats, (b) => b.secondTemplate === true) : null,
  };
}

function flagged(
  beats: readonly ClassifiedBeat[],
  is: (b: ClassifiedBeat) => boolean,
): { beats: number; percent: number } {
  const k = beats.filter(is).length;
  return { beats: k, percent: beats.length ? round((100 * k) / beats.length) : 0 };
}

/** The human summary printed by `arrhythmia-vision analyze`. */
export function formatSummary(record: string, model: string, s: RecordSummary): string {
  const min = s.durationSeconds / 60;
  const lines = [`${record}: ${s.beats} beats in ${min.toFixed(1)} min, classified by ${model}`];
  if (s.heartRate)
    lines.push(
      `  heart rate: mean ${s.heartRate.mean} bpm (range ${s.heartRate.min}-${s.heartRate.max} bpm over ${HR_SPAN} beats)`,
    );
  const pct = (c: number) => (s.beats ? ((100 * c) / s.beats).toFixed(2) : "0.00");
  lines.push(
    "  beats per class: " +
      Object.entries(s.counts)
        .map(([c, k]) => `${c} ${k} (${pct(k)} %)`)
        .join(", "),
  );
  const b = s.ectopicBurden;
  lines.push(
    `  ectopic burden: ${b.total} % (supraventricular ${b.supraventricular} %, ventricular ${b.ventricular} %)`,
  );
  if (s.irregularRhythm)
    lines.push(
      `  irregular rhythm (S ruled out by the model's rhythm guard): ${s.irregularRhythm.beats} beats (${s.irregularRhythm.percent} %)`,
    );
  if (s.morphSmoothed)
    lines.push(
      `  relabelled by the model's morph smoothing (look-alike beats of the record): ${s.morphSmoothed.beats} beats (${s.morphSmoothed.percent} %)`,
    );
  if (s.qrsVetoed)
    lines.push(
      `  relabelled by the model's QRS veto (a class ruled out by how the beat's QRS compares with the record's usual one): ${s.qrsVetoed.beats} beats (${s.qrsVetoed.percent} %)`,
    );
  if (s.secondTemplate)
    lines.push(
      `  against the record's second normal QRS shape (the model's second template): ${s.secondTemplate.beats} beats (${s.secondTemplate.percent} %)`,
    );
  return lines.join("\n");
}
