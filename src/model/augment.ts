// Training-time augmentation of gathered batches (never of validation or test beats).
//
// Waveform: a small time warp around the R peak (QRS and T widths vary between patients), baseline
// wander (a random offset + ramp + slow sinusoid) and Gaussian noise, then the window is z-normalised
// again so it matches what the net sees at inference.
// Premature swap (inter-patient): a supraventricular premature beat (S in aami, A in paper) keeps its
// label and RR inputs but, with probability p, gets the waveform of a random normal beat of the same
// record. Such beats look like the patient's normal beats; what marks them is prematurity, so the net
// must learn that from the RR pathway instead of memorising the training patients' ectopic shapes.
// Simulated atrial fibrillation (inter-patient): with probability p, a normal beat's RR inputs are
// replaced by those of a random irregular rhythm around the same local mean RR (log-normal intervals,
// CV 10-30 %), label kept. In AF a short RR is not a premature beat; DS1 trains on one AF record only.
import { RR_DIM, RR_FEATURES, type BeatPart } from "../beats/index.js";
import { shuffle } from "./batches.js";

export interface AugmentConfig {
  /** max relative stretch of the time axis about the R peak (0.1: factors in [0.9, 1.1]); 0 = off */
  warp: number;
  /** baseline wander amplitude, in units of the window's standard deviation; 0 = off */
  wander: number;
  /** Gaussian noise standard deviation, in units of the window's standard deviation; 0 = off */
  noise: number;
  /** probability of the premature swap; 0 = off */
  prematureSwap: number;
  /** probability that a normal beat gets the RR inputs of a simulated AF rhythm; 0 or absent = off */
  afRhythm?: number;
  /** probability that a beat and its record's template get one virtual-patient transform; 0 or absent = off */
  virtualPatient?: number;
  /** probability that a fusion (F) training beat becomes a synthetic one (fusionSources); 0 or absent = off */
  fusionSynth?: number;
  /** range of the N beat's weight in a synthetic fusion beat (absent: FUSION.weight) */
  fusionWeight?: readonly [number, number];
  /** probability that a training beat is shown at its record's other lead (train.ts TrainingData); 0 or absent = off */
  otherLead?: number;
}

export const NO_AUGMENT: AugmentConfig = { warp: 0, wander: 0, noise: 0, prematureSwap: 0 };

/** Whether augmentBatch changes anything (the RR, virtual-patient and fusion options have their own passes). */
export const augmentsWindows = (a: AugmentConfig): boolean =>
  a.warp > 0 || a.wander > 0 || a.noise > 0 || a.prematureSwap > 0;

/** The class a premature swap applies to: S (aami) or A (paper); -1 if the scheme has neither. */
export const prematureClass = (classes: readonly string[]): number =>
  classes.indexOf("S") >= 0 ? classes.indexOf("S") : classes.indexOf("A");

/** Rows of each record's beats of class `cls` in a part, in row order. */
export function rowsByRecord(part: BeatPart, cls: number): Map<string, Int32Array> {
  const rows = new Map<string, number[]>();
  part.y.forEach((y, i) => {
    if (y !== cls) return;
    const r = part.record[i];
    const list = rows.get(r) ?? [];
    list.push(i);
    rows.set(r, list);
  });
  return new Map([...rows].map(([r, l]) => [r, Int32Array.from(l)]));
}

/** Rows of each record's normal (class 0) beats in a part, for the premature swap. */
export const normalRowsByRecord = (part: BeatPart): Map<string, Int32Array> => rowsByRecord(part, 0);

function gauss(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A window's mean and (population) standard deviation. */
function meanStd(w: Float32Array): [number, number] {
  let m = 0;
  for (const v of w) m += v;
  m /= w.length;
  let ss = 0;
  for (const v of w) ss += (v - m) ** 2;
  return [m, Math.sqrt(ss / w.length)];
}

/** z-normalises a window in place (a flat window becomes zeros, as in src/beats). */
export function znorm(w: Float32Array): void {
  const [mean, sd] = meanStd(w);
  const s = sd > 1e-9 ? 1 / sd : 0;
  for (let k = 0; k < w.length; k++) w[k] = (w[k] - mean) * s;
}

/** Stretches a window by `factor` about index `center` (linear interpolation, edges held). */
export function warpWindow(w: Float32Array, factor: number, center: number): Float32Array {
  const src = w.slice();
  const n = w.length;
  for (let k = 0; k < n; k++) {
    const t = Math.min(n - 1, Math.max(0, center + (k - center) / factor));
    const i = Math.min(n - 2, Math.floor(t));
    const f = t - i;
    w[k] = src[i] * (1 - f) + src[i + 1] * f;
  }
  return w;
}

export interface AugmentContext {
  part: BeatPart;
  /** rows of gathered beats, in batch order */
  rows: ArrayLike<number>;
  len: number;
  /** index of the R peak in the window */
  center: number;
  premature: number;
  normals: Map<string, Int32Array>;
}

/** Augments a gathered batch x (rows.length windows) in place; labels and RR inputs are unchanged. */
export function augmentBatch(x: Float32Array, a: AugmentConfig, c: AugmentContext, rng: () => number): void {
  const { len } = c;
  for (let b = 0; b < c.rows.length; b++) {
    const w = x.subarray(b * len, (b + 1) * len);
    const row = c.rows[b];
    if (a.prematureSwap > 0 && c.part.y[row] === c.premature && rng() < a.prematureSwap) {
      const normals = c.normals.get(c.part.record[row]);
      if (normals && normals.length > 0) {
        const j = normals[Math.floor(rng() * normals.length)];
        w.set(c.part.x.subarray(j * len, (j + 1) * len));
      }
    }
    if (a.warp > 0) warpWindow(w, 1 + a.warp * (2 * rng() - 1), c.center);
    if (a.wander > 0) {
      const [off, ramp, amp, freq, phase] = [rng(), rng(), rng(), rng(), rng()];
      for (let k = 0; k < len; k++) {
        const t = k / len;
        w[k] +=
          a.wander *
          (off -
            0.5 +
            (ramp - 0.5) * (2 * t - 1) +
            0.5 * amp * Math.sin(2 * Math.PI * (0.3 + freq) * t + 6.3 * phase));
      }
    }
    if (a.noise > 0) for (let k = 0; k < len; k++) w[k] += a.noise * gauss(rng);
    if (a.warp > 0 || a.wander > 0 || a.noise > 0) znorm(w);
  }
}

/** Time-scale range and derivative-mix range of the virtual-patient transform. */
export const VIRTUAL_PATIENT = { scale: 0.15, derivative: 0.3 } as const;

/** The central difference of a window (one-sided at the ends). */
function centralDifference(w: Float32Array): Float32Array {
  const n = w.length;
  const d = new Float32Array(n);
  for (let k = 0; k < n; k++) d[k] = (w[Math.min(n - 1, k + 1)] - w[Math.max(0, k - 1)]) / 2;
  return d;
}

/**
 * The virtual-patient operator L(x) = W_s x + beta c D W_s x (W_s: warpWindow by s about `center`; D: central
 * difference; c = std(W_s t) / std(D W_s t) of the template t, a patient-level constant), so L is one linear map.
 */
export function virtualPatientOperator(
  t: Float32Array,
  s: number,
  beta: number,
  center: number,
): (x: Float32Array) => Float32Array {
  const wt = warpWindow(t.slice(), s, center);
  const sdT = meanStd(wt)[1];
  const sdD = meanStd(centralDifference(wt))[1];
  const c = sdD > 1e-9 ? sdT / sdD : 0;
  return (x) => {
    const w = warpWindow(x.slice(), s, center);
    const d = centralDifference(w);
    for (let k = 0; k < w.length; k++) w[k] += beta * c * d[k];
    return w;
  };
}

/**
 * Virtual patients (--virtual-patient p): with probability p, a gathered beat (x, `len` samples per row, z-normalised)
 * and its record's template get the same virtualPatientOperator (s ~ U[1 -+ 0.15], beta ~ U[-+0.3]), so the beat's
 * relation to its template is kept while the patient's QRS / T shape and widths change. The beat is z-normalised
 * again, the template rescaled to its own mean and standard deviation. x changes in place; returns each row's
 * template (the record's own where no transform was drawn).
 */
export function virtualPatients(
  x: Float32Array,
  templates: readonly Float32Array[],
  len: number,
  center: number,
  p: number,
  rng: () => number,
): Float32Array[] {
  return templates.map((t, b) => {
    if (!(rng() < p)) return t;
    const s = 1 + VIRTUAL_PATIENT.scale * (2 * rng() - 1);
    const beta = VIRTUAL_PATIENT.derivative * (2 * rng() - 1);
    const L = virtualPatientOperator(t, s, beta, center);
    const w = x.subarray(b * len, (b + 1) * len);
    w.set(L(w));
    znorm(w);
    const lt = L(t);
    const [m0, sd0] = meanStd(t);
    const [m1, sd1] = meanStd(lt);
    const k = sd1 > 1e-9 ? sd0 / sd1 : 0;
    return lt.map((v) => (v - m1) * k + m0);
  });
}

const col = (name: (typeof RR_FEATURES)[number]) => RR_FEATURES.indexOf(name);

/**
 * A full RR feature row (RR_DIM) of a beat inside a simulated AF rhythm: the 10 local intervals are
 * log-normal around 1 (sigma 0.1-0.3), scaled to the beat's own local mean RR; record- and region-level RR kept.
 */
export function afRRRow(row: Float32Array, rng: () => number): Float32Array {
  const sigma = 0.1 + 0.2 * rng();
  const r = Array.from({ length: 10 }, () => Math.exp(sigma * gauss(rng)));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  let diff = 0;
  for (let j = 1; j < r.length; j++) diff += Math.abs(r[j] - r[j - 1]);
  // r[4] is this beat's pre-RR (window: pre-RRs of beats i-4 .. i+5), r[5] its post-RR
  const [pre, post] = [r[4] / mean, r[5] / mean];
  const out = row.slice();
  const localRR = row[col("localRR")];
  const recordRatio = row[col("localRR/recordRR")];
  out[col("preRR")] = pre * localRR;
  out[col("postRR")] = post * localRR;
  out[col("preRR/localRR")] = pre;
  out[col("postRR/localRR")] = post;
  out[col("preRR/recordRR")] = pre * recordRatio;
  out[col("postRR/recordRR")] = post * recordRatio;
  const regionRatio = row[col("localRR/regionRR")];
  out[col("preRR/regionRR")] = pre * regionRatio;
  out[col("postRR/regionRR")] = post * regionRatio;
  out[col("localRRdiff/localRR")] = diff / (r.length - 1) / mean;
  return out;
}

/**
 * Replaces, with probability p, the extra inputs (columns `cols` of the RR features) of each normal
 * (class 0) beat of a gathered batch by those of afRRRow. `rows`: the batch's rows of `part`.
 */
export function simulateAfRR(
  extra: Float32Array,
  cols: readonly number[],
  part: BeatPart,
  rows: ArrayLike<number>,
  p: number,
  rng: () => number,
): void {
  for (let b = 0; b < rows.length; b++) {
    const i = rows[b];
    if (part.y[i] !== 0 || rng() >= p) continue;
    const row = afRRRow(part.rr.subarray(i * RR_DIM, (i + 1) * RR_DIM), rng);
    cols.forEach((c, j) => (extra[b * cols.length + j] = row[c]));
  }
}

/** A Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 by the boost Gamma(a + 1) x U^(1/a)). */
export function gammaDraw(shape: number, rng: () => number): number {
  if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
  if (shape < 1) return gammaDraw(shape + 1, rng) * Math.max(rng(), 1e-12) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = gauss(rng);
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = Math.max(rng(), 1e-12);
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A Beta(a, a) draw. */
export const betaDraw = (a: number, rng: () => number): number => {
  const g = gammaDraw(a, rng);
  return g / (g + gammaDraw(a, rng));
};

/**
 * Mixup (Zhang et al. 2018) of a gathered training batch: beat i becomes lambda_i x beat i + (1 - lambda_i) x
 * beat p(i) (p a random permutation of the batch, lambda_i ~ Beta(alpha, alpha)), its waveform channels, RR
 * inputs and one-hot target alike, so the targets become soft. Between patients' beats the net sees blends
 * and is asked for blended confidence instead of a sure call on every unfamiliar shape.
 */
export function mixupBatch(
  b: { x: Float32Array; y: Int32Array; extra?: Float32Array },
  numClasses: number,
  alpha: number,
  rng: () => number,
): { x: Float32Array; y: Float32Array; extra?: Float32Array } {
  const n = b.y.length;
  const perm = shuffle(
    Int32Array.from({ length: n }, (_, i) => i),
    rng,
  );
  const lambda = Float32Array.from({ length: n }, () => betaDraw(alpha, rng));
  const mix = (a: Float32Array) => {
    const w = a.length / n;
    const out = new Float32Array(a.length);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < w; k++)
        out[i * w + k] = lambda[i] * a[i * w + k] + (1 - lambda[i]) * a[perm[i] * w + k];
    return out;
  };
  const y = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    y[i * numClasses + b.y[i]] += lambda[i];
    y[i * numClasses + b.y[perm[i]]] += 1 - lambda[i];
  }
  return { x: mix(b.x), y, ...(b.extra ? { extra: mix(b.extra) } : {}) };
}

/** A record's N (class 0) and V training rows, the sources of its synthetic fusion beats. */
export interface FusionSource {
  record: string;
  normal: Int32Array;
  ventricular: Int32Array;
}

/** Least N and V beats a record needs to lend synthetic fusion beats, and the N beat's default weight range. */
export const FUSION: { minBeats: number; weight: readonly [number, number] } = {
  minBeats: 20,
  weight: [0.3, 0.7],
};

/** The records of a part with >= FUSION.minBeats normal and ventricular (class `v`) beats each. */
export function fusionSources(part: BeatPart, v: number): FusionSource[] {
  const ventricular = rowsByRecord(part, v);
  return [...rowsByRecord(part, 0)].flatMap(([record, normal]) => {
    const vs = ventricular.get(record);
    return normal.length >= FUSION.minBeats && vs && vs.length >= FUSION.minBeats
      ? [{ record, normal, ventricular: vs }]
      : [];
  });
}

/**
 * Synthetic fusion beats (--fusion-synth p): each gathered row of class `f`, with probability p, becomes the blend
 * z-normalise(a x_N + (1 - a) x_V) of a random normal and a random ventricular beat of a random source record
 * (a ~ U[weight], default FUSION.weight), with the normal beat's RR inputs (columns `rrCols`; a fusion beat comes at
 * about the sinus time). A fusion beat is the sum of a sinus and a ventricular wavefront: to first order a blend of
 * the patient's own two complexes. x and extra change in place; returns each row's record (the source's for a
 * synthetic row), whose template the net sees beside it.
 */
export function synthesizeFusion(
  b: { x: Float32Array; extra?: Float32Array },
  c: { part: BeatPart; rows: ArrayLike<number>; len: number; f: number; rrCols: readonly number[] },
  sources: readonly FusionSource[],
  p: number,
  rng: () => number,
  weight: readonly [number, number] = FUSION.weight,
): string[] {
  const { part, len, rrCols } = c;
  const extra = b.extra;
  const pick = (a: Int32Array) => a[Math.floor(rng() * a.length)];
  return Array.from(c.rows, (row, k) => {
    if (part.y[row] !== c.f || sources.length === 0 || !(rng() < p)) return part.record[row];
    const s = sources[Math.floor(rng() * sources.length)];
    const [n, v] = [pick(s.normal), pick(s.ventricular)];
    const a = weight[0] + (weight[1] - weight[0]) * rng();
    const w = b.x.subarray(k * len, (k + 1) * len);
    for (let t = 0; t < len; t++) w[t] = a * part.x[n * len + t] + (1 - a) * part.x[v * len + t];
    znorm(w);
    if (extra) rrCols.forEach((col, j) => (extra[k * rrCols.length + j] = part.rr[n * RR_DIM + col]));
    return s.record;
  });
}
