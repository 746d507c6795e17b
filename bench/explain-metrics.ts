// Faithfulness and sanity measures for bench:explain: rank correlation, deletion curves, and the
// cascading randomisation of a model's weights (Adebayo et al. 2018).
import { mulberry32 } from "../src/model/engine/rng.js";
import type { Weights } from "../src/model/engine/module.js";
import type { Explainer } from "../src/explain/index.js";

/** Ranks (1-based, ties averaged). */
export function ranks(v: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman rank correlation (NaN when either side is constant). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [ra, rb] = [ranks(a), ranks(b)];
  const n = ra.length;
  const ma = ra.reduce((s, v) => s + v, 0) / n;
  const mb = rb.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : NaN;
}

/** Layer groups from the output back to the input, for cascading randomisation. */
export function layerGroups(w: Weights): string[][] {
  const names = Object.keys(w);
  const blocks = [...new Set(names.filter((n) => /^b\d+\./.test(n)).map((n) => n.split(".")[0]))].sort(
    (a, b) => Number(b.slice(1)) - Number(a.slice(1)),
  );
  const group = (prefixes: string[]) =>
    names.filter(
      (n) => prefixes.some((p) => n.startsWith(`${p}.`)) && /\.(weight|bias)$/.test(n) && !/\.bn\./.test(n),
    );
  // "mix": the mixing units of V1M and V2M, part of the classifier
  return [group(["head", "extra", "mix"]), ...blocks.map((b) => group([b])), group(["stem"])];
}

/** Re-initialise the named conv/dense tensors as the engine does (uniform +-1/sqrt(fan-in)); BN stays. */
export function randomise(
  w: Weights,
  names: readonly string[],
  shapes: Record<string, readonly number[]>,
  seed: number,
): Weights {
  const rng = mulberry32(seed);
  const out: Weights = { ...w };
  for (const n of names) {
    const weightName = n.endsWith(".bias") ? n.replace(/\.bias$/, ".weight") : n;
    const shape = shapes[weightName];
    const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    out[n] = Float32Array.from(w[n], () => (2 * rng() - 1) * bound);
  }
  return out;
}

export const DELETION_STEPS = 20;

/**
 * Deletion curve of each beat: remove the waveform samples in `order` (most important first), 5 %
 * at a time, replacing them by the baseline (0), and track the probability of class cls[i]
 * (RR inputs kept). Returns each beat's area under the curve (trapezoid over the deleted fraction).
 * A pair model: each beat's record template in `template` (the net sees [deleted beat, that - template]).
 */
export async function deletionAuc(
  e: Explainer,
  x: Float32Array,
  extra: Float32Array | undefined,
  cls: Int32Array,
  order: (i: number) => Int32Array,
  template?: readonly Float32Array[],
): Promise<Float64Array> {
  const L = e.width;
  const F = e.io.extraFeatures;
  const K = e.io.numClasses;
  const n = cls.length;
  const S = DELETION_STEPS + 1;
  const xs = new Float32Array(n * S * L);
  const es = F > 0 ? new Float32Array(n * S * F) : undefined;
  for (let i = 0; i < n; i++) {
    const ord = order(i);
    for (let s = 0; s < S; s++) {
      const row = (i * S + s) * L;
      xs.set(x.subarray(i * L, (i + 1) * L), row);
      const m = Math.round((s / DELETION_STEPS) * L);
      for (let k = 0; k < m; k++) xs[row + ord[k]] = 0;
      if (es) es.set(extra!.subarray(i * F, (i + 1) * F), (i * S + s) * F);
    }
  }
  const rowTemplates = template && Array.from({ length: n * S }, (_, r) => template[Math.floor(r / S)]);
  const probs = await e.probs(xs, es, rowTemplates);
  return Float64Array.from({ length: n }, (_, i) => {
    const p = Array.from({ length: S }, (_, s) => probs[(i * S + s) * K + cls[i]]);
    let auc = 0;
    for (let s = 1; s < S; s++) auc += (p[s - 1] + p[s]) / 2 / DELETION_STEPS;
    return auc;
  });
}

/** Sample indices by attribution, largest first. */
export function byImportance(a: ArrayLike<number>): Int32Array {
  return Int32Array.from(Array.from({ length: a.length }, (_, i) => i).sort((p, q) => a[q] - a[p]));
}

export function randomOrder(L: number, seed: number): Int32Array {
  const rng = mulberry32(seed);
  const a = Int32Array.from({ length: L }, (_, i) => i);
  for (let i = L - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
