// bench:explain on a pair model (morph "pair": the net reads [beat, beat - template]): how much each input
// channel carries. The shipped explanations attribute the BEAT (the two channels summed); here integrated
// gradients are split by channel: the two-channel net is explained on its own input from the baseline
// [0, -template], the pair IG baseline (a flat beat), so per sample channel 0 + channel 1 is the pair IG
// attribution and the split is exact. Ablations then set one input to a neutral value and count the
// beats that keep their class.
import { morphInput } from "../src/beats/index.js";
import * as X from "../src/explain/index.js";
import { argmaxRows } from "../src/model/batches.js";
import { netInputShape } from "../src/model/beat-inputs.js";
import type { ModelMeta } from "../src/model/bundle.js";
import type { Weights } from "../src/model/engine/module.js";

export interface WindowShares {
  readonly qrs: number;
  readonly t: number;
  readonly rest: number;
}

/** Shares of the total |attribution| (both channels + extra inputs), per channel and window. */
export interface ChannelShares {
  /** channel 0: the beat as it is */
  readonly beat: WindowShares;
  /** channel 1: the beat minus the record's median beat */
  readonly deviation: WindowShares;
  readonly rr: number;
}

/** `a`: 2 x L attributions (channel-major), `other`: the extra inputs' attributions. */
export function channelShares(
  a: ArrayLike<number>,
  L: number,
  other: ArrayLike<number>,
  w: X.BeatWindows,
): ChannelShares {
  if (a.length !== 2 * L) throw new Error(`channelShares: ${2 * L} values expected, got ${a.length}`);
  const ch = [0, 1].map((c) => {
    let qrs = 0;
    let t = 0;
    let rest = 0;
    for (let i = 0; i < L; i++) {
      const v = Math.abs(a[c * L + i]);
      if (i >= w.qrs[0] && i < w.qrs[1]) qrs += v;
      else if (i >= w.t[0] && i < w.t[1]) t += v;
      else rest += v;
    }
    return { qrs, t, rest };
  });
  let rr = 0;
  for (let k = 0; k < other.length; k++) rr += Math.abs(other[k]);
  const total = ch.reduce((s, c) => s + c.qrs + c.t + c.rest, 0) + rr;
  const of = (c: WindowShares) =>
    total === 0 ? { qrs: 0, t: 0, rest: 0 } : { qrs: c.qrs / total, t: c.t / total, rest: c.rest / total };
  return { beat: of(ch[0]), deviation: of(ch[1]), rr: total === 0 ? 0 : rr / total };
}

/** sum |a0 + a1| / sum (|a0| + |a1|) over the samples of a 2 x L attribution (1: the channels never cancel). */
export function cancellation(a: ArrayLike<number>, L: number): number {
  let summed = 0;
  let split = 0;
  for (let k = 0; k < L; k++) {
    summed += Math.abs(a[k] + a[L + k]);
    split += Math.abs(a[k]) + Math.abs(a[L + k]);
  }
  return split === 0 ? 1 : summed / split;
}

/**
 * IG of each beat (rows of L values, `template[i]` its record's median beat) on the two-channel net
 * `net` (an explainer of the pair model's weights with pair false), from [0, -template]: 2 x L values
 * per beat. Beats sharing a template object run in one batch.
 */
export async function channelIg(
  net: X.Explainer,
  beats: Required<Pick<X.Beats, "x" | "template">> & X.Beats,
  cls: Int32Array,
  extraBaseline: Float32Array | undefined,
  L: number,
): Promise<X.Attribution[]> {
  if (net.pair || net.width !== 2 * L) throw new Error("channelIg: the net must read two channels of L");
  const F = net.io.extraFeatures;
  const groups = new Map<Float32Array, number[]>();
  beats.template.forEach((t, i) => groups.set(t, [...(groups.get(t) ?? []), i]));
  const out: X.Attribution[] = new Array(cls.length);
  for (const [t, idx] of groups) {
    const x = new Float32Array(idx.length * L);
    const extra = F > 0 ? new Float32Array(idx.length * F) : undefined;
    idx.forEach((i, r) => {
      x.set(beats.x.subarray(i * L, (i + 1) * L), r * L);
      extra?.set(beats.extra!.subarray(i * F, (i + 1) * F), r * F);
    });
    const base = new Float32Array(2 * L);
    for (let k = 0; k < L; k++) base[L + k] = -t[k];
    const r = await X.explainBeats(
      net,
      { x: morphInput(x, L, () => t, "pair"), extra },
      Int32Array.from(idx, (i) => cls[i]),
      "ig",
      { ig: { baseline: { x: base } }, extraBaseline },
    );
    idx.forEach((i, k) => (out[i] = r[k]));
  }
  return out;
}

/** Which input an ablation replaces: the deviation channel by 0 (the beat read as if it were the patient's
 * median beat), the beat channel by 0 (a flat line), the RR inputs by their neutral values. */
export const ABLATIONS = ["deviation = 0", "beat channel = 0", "RR inputs neutral"] as const;

/** Per ablation, for each beat: does the net still predict `cls[i]`? */
export async function ablations(
  net: X.Explainer,
  beats: Required<Pick<X.Beats, "x" | "template">> & X.Beats,
  cls: Int32Array,
  neutral: Float32Array | undefined,
  L: number,
): Promise<boolean[][]> {
  const F = net.io.extraFeatures;
  const K = net.io.numClasses;
  const n = cls.length;
  const two = morphInput(beats.x, L, (i) => beats.template[i], "pair");
  const runs: [Float32Array, Float32Array | undefined][] = [
    [two.map((v, j) => (j % (2 * L) >= L ? 0 : v)), beats.extra],
    [two.map((v, j) => (j % (2 * L) < L ? 0 : v)), beats.extra],
    [two, F > 0 ? Float32Array.from({ length: n * F }, (_, j) => neutral![j % F]) : undefined],
  ];
  const kept: boolean[][] = [];
  for (const [x, extra] of runs) {
    const pred = argmaxRows(await net.probs(x, extra), K);
    kept.push(Array.from(pred, (p, i) => p === cls[i]));
  }
  return kept;
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);

/** The markdown section of a pair model: IG mass per channel and the ablations, per true class, over
 * the correctly classified beats of `beats` (the bench's evaluation beats, `cls` their predicted class). */
export async function channelSection(
  meta: ModelMeta,
  weights: Weights,
  beats: Required<Pick<X.Beats, "x" | "template">> & X.Beats & { y: Int32Array },
  cls: Int32Array,
): Promise<string> {
  const { len: L } = netInputShape(meta);
  const F = meta.extraFeatures.length;
  const net = await X.createExplainer(
    {
      arch: meta.arch,
      classes: meta.classes,
      extraNames: meta.extraFeatures,
      weights,
      input: [2, L],
      testTimeShifts: meta.testTimeShifts,
    },
    { threads: 1 },
  );
  const neutral = F > 0 ? X.neutralExtra(meta) : undefined;
  const ig = await channelIg(net, beats, cls, neutral, L);
  const still = await ablations(net, beats, cls, neutral, L);
  await net.release();
  const w = X.beatWindows(meta.fs, meta.window.before, L);
  const abl = F > 0 ? ABLATIONS : ABLATIONS.slice(0, 2);
  const lines = [
    `Integrated gradients split by input channel (the two-channel net explained on its own input from [0, −template], the pair IG baseline, so the two channels' attributions sum per sample to the beat's IG attribution), share of the total |attribution| (both channels + RR inputs), QRS / T / rest of each channel, and how much of the channels' waveform mass survives their per-sample sum (the beat's IG attribution; below 100 % where the channels cancel); then ablations: share of the beats that keep their class when one input is replaced (deviation = 0: the beat read as if it were the patient's median beat; beat channel = 0: a flat line; RR inputs neutral: 1 for every ratio). Correctly classified test beats:`,
    "",
    `| class | beats | beat channel, QRS / T / rest | deviation channel, QRS / T / rest | RR inputs | summed / split waveform mass | ${abl.map((a) => `kept, ${a}`).join(" | ")} |`,
    `|---|---|---|---|---|---|${abl.map(() => "---").join("|")}|`,
  ];
  for (let k = 0; k <= meta.classes.length; k++) {
    const sel = Array.from({ length: cls.length }, (_, i) => i).filter(
      (i) => beats.y[i] === cls[i] && (k === meta.classes.length || beats.y[i] === k),
    );
    if (!sel.length) continue;
    const s = sel.map((i) => channelShares(ig[i].attribution, L, ig[i].other, w));
    const kept = mean(sel.map((i) => cancellation(ig[i].attribution, L)));
    const three = (f: (v: ChannelShares) => WindowShares) =>
      `${pct(mean(s.map((v) => f(v).qrs + f(v).t + f(v).rest)))}: ${[(v: WindowShares) => v.qrs, (v: WindowShares) => v.t, (v: WindowShares) => v.rest].map((g) => pct(mean(s.map((v) => g(f(v)))))).join(" / ")}`;
    lines.push(
      `| ${k === meta.classes.length ? "all" : meta.classes[k]} | ${sel.length} | ${three((v) => v.beat)} | ${three((v) => v.deviation)} | ${pct(mean(s.map((v) => v.rr)))} | ${pct(kept)} | ${abl.map((_, a) => pct(mean(sel.map((i) => (still[a][i] ? 1 : 0))))).join(" | ")} |`,
    );
  }
  return lines.join("\n");
}
