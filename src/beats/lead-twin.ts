import { RR_DIM } from "./rr.js";
import { emptyPart, takeRows, type BeatDataset, type BeatPart } from "./dataset.js";

/**
 * A training part's beats read at a second lead (train --other-lead): the same annotations cut from another
 * signal of each record, for an augmentation that shows the net a beat at a lead it is never used on, beside
 * that lead's own template. The labels and RR inputs are the beat's own (they do not depend on the lead).
 */
export interface LeadTwin {
  /** The twin beats, row after row; their records are named twinRecord(record). */
  part: BeatPart;
  /** twin[i]: the row in `part` of the training part's beat i; -1 where that lead dropped the beat's window. */
  twin: Int32Array;
  /** Each twin record's template (the median beat at that lead). */
  templates: Map<string, Float32Array>;
}

/** The name a record's beats at the twin lead go by (its templates and premature-swap normals are its own). */
export const twinRecord = (record: string): string => `${record}~lead2`;

const key = (record: string, sample: number) => `${record}:${sample}`;

/** The twin of `train` (a training part) in `other`, a dataset of the same split read at another lead. */
export function leadTwin(train: BeatPart, other: BeatDataset): LeadTwin {
  const src = other.parts.train;
  const len = other.windowLength;
  const at = new Map<string, number>();
  src.sample.forEach((s, i) => at.set(key(src.record[i], s), i));
  const twin = new Int32Array(train.y.length).fill(-1);
  const from: number[] = []; // twin row k is row from[k] of src, the training part's beat of[k]
  const of: number[] = [];
  train.sample.forEach((s, i) => {
    const j = at.get(key(train.record[i], s));
    if (j === undefined) return;
    if (src.y[j] !== train.y[i]) throw new Error(`leadTwin: ${key(train.record[i], s)} has another label`);
    twin[i] = from.length;
    from.push(j);
    of.push(i);
  });
  const part = takeRows(src, from, len);
  of.forEach((i, k) => {
    part.rr.set(train.rr.subarray(i * RR_DIM, (i + 1) * RR_DIM), k * RR_DIM);
    part.record[k] = twinRecord(part.record[k]);
  });
  const templates = new Map([...other.templates].map(([r, t]) => [twinRecord(r), t]));
  return { part, twin, templates };
}

/** A part followed by another's rows (e.g. a training part and its lead twin). */
export function concatParts(a: BeatPart, b: BeatPart, len: number): BeatPart {
  const n = a.y.length;
  const out = emptyPart(len, n + b.y.length);
  out.x.set(a.x);
  out.x.set(b.x, n * len);
  out.rr.set(a.rr);
  out.rr.set(b.rr, n * RR_DIM);
  out.y.set(a.y);
  out.y.set(b.y, n);
  out.sample.set(a.sample);
  out.sample.set(b.sample, n);
  a.record.forEach((r, i) => (out.record[i] = r));
  b.record.forEach((r, i) => (out.record[n + i] = r));
  return out;
}
