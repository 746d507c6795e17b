// A pair model (morph "pair": the net reads [beat, beat - template]) is explained on the beat: every method
// equals the same method on the net's two-channel input (baselines [b, b - template]), the two channels'
// attributions summed per sample, and IG and SHAP stay complete on the beat.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { morphInput } from "../beats/index.js";
import type { Explainer } from "./explainer.js";
import { explainBeats } from "./explain.js";
import { camOf, upsample } from "./gradcam.js";
import { sampleBackground } from "./shap.js";
import { pairExplainers, pairTestBeats, syntheticBeats } from "./testing.js";
import { completenessError, type Attribution } from "./types.js";

const L = 256;
// Two records: beats 0-2 and 3-5, each with its own template (beats of other classes).
const { beats, cls, T, template } = pairTestBeats(L);

let pair: Explainer;
/** The same net explained on its own input: rows of two channels. */
let net: Explainer;

before(async () => {
  ({ pair, net } = await pairExplainers());
  assert.equal(pair.width, L);
  assert.equal(net.width, 2 * L);
});

after(async () => {
  await Promise.all([pair.release(), net.release()]);
});

/** Rows [x, x - t] of the beats r of `x` (beats of L values), each with template t(r). */
const twoChannel = (x: Float32Array, t: (r: number) => Float32Array) => morphInput(x, L, t, "pair");
const rowsOf = (x: Float32Array, rows: number[]) => {
  const out = new Float32Array(rows.length * L);
  rows.forEach((r, k) => out.set(x.subarray(r * L, (r + 1) * L), k * L));
  return out;
};
const fold = (a: Float32Array) => Float32Array.from({ length: L }, (_, k) => a[k] + a[L + k]);
const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(got.length, want.length, what);
  const scale = Math.max(...Array.from(want, Math.abs), 1e-6);
  for (let i = 0; i < got.length; i++)
    assert.ok(Math.abs(got[i] - want[i]) <= tol * scale, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
};

test("a pair explainer's logits are the net's on [beat, beat - template]; its input gradient the channels' sum", async () => {
  const x2 = twoChannel(beats.x, (r) => template[r]);
  const [a, b] = [
    await pair.gradients(beats.x, beats.extra, cls, "gradients", template),
    await net.gradients(x2, beats.extra, cls),
  ];
  close(a.logits, b.logits, 1e-6, "logits");
  for (let r = 0; r < 6; r++)
    close(
      a.gradX.subarray(r * L, (r + 1) * L),
      fold(b.gradX.subarray(2 * r * L, 2 * (r + 1) * L)),
      1e-5,
      "gradX",
    );
  assert.deepEqual(a.acts, b.acts);
  close(await pair.logits(beats.x, beats.extra, template), b.logits, 1e-6, "forward logits");
  // The template is used: the same beats with the other record's template give other logits.
  const swapped = await pair.logits(beats.x, beats.extra, template.slice().reverse());
  assert.ok(swapped.some((v, i) => Math.abs(v - b.logits[i]) > 1e-3));
  // Rows without their templates are refused.
  await assert.rejects(pair.logits(beats.x, beats.extra), /pair model's 6 rows need a template/);
  await assert.rejects(pair.logits(beats.x, beats.extra, template.slice(1)), /need a template/);
});

test("IG on the beat = IG on the two channels from [b, b - template], summed; complete", async () => {
  const a = await explainBeats(pair, { ...beats, template }, cls, "ig", { ig: { tolerance: 1e-4 } });
  for (let r = 0; r < 6; r++) {
    const t = template[r];
    const [b] = await explainBeats(
      net,
      { x: twoChannel(rowsOf(beats.x, [r]), () => t), extra: beats.extra.slice(r * 4, (r + 1) * 4) },
      cls.subarray(r, r + 1),
      "ig",
      // The beat's baseline is a flat line: the net's input there is [0, -template].
      { ig: { tolerance: 1e-4, baseline: { x: twoChannel(new Float32Array(L), () => t) } } },
    );
    assert.ok(Math.abs(a[r].baselineOutput! - b.baselineOutput!) < 1e-5);
    // float32 sums over thousands of steps: a few 1e-3 of the output change at worst on this small net
    assert.ok(
      completenessError(a[r]) < 5e-3,
      `beat ${r}: ${completenessError(a[r])} (${a[r].info.steps} steps)`,
    );
    close(a[r].attribution, fold(b.attribution), 2e-3, `beat ${r}`);
    close(a[r].other, b.other, 2e-3, `beat ${r} RR`);
  }
});

test("GradientSHAP on the beat: background beats b seen as [b, b - template], summed; complete", async () => {
  const train = syntheticBeats(100, 5);
  const bg = sampleBackground(train, L, 4, 20, 7);
  const a = await explainBeats(pair, { ...beats, template }, cls, "shap", {
    background: bg,
    shap: { tolerance: 1e-3, maxSteps: 1024 },
  });
  for (const r of [0, 4]) {
    const t = template[r];
    const bg2 = { x: twoChannel(bg.x, () => t), extra: bg.extra, cache: new Map() };
    const [b] = await explainBeats(
      net,
      { x: twoChannel(rowsOf(beats.x, [r]), () => t), extra: beats.extra.slice(r * 4, (r + 1) * 4) },
      cls.subarray(r, r + 1),
      "shap",
      { background: bg2, shap: { tolerance: 1e-3, maxSteps: 1024 } },
    );
    assert.ok(Math.abs(a[r].baselineOutput! - b.baselineOutput!) < 1e-5);
    close(a[r].attribution, fold(b.attribution), 5e-3, `beat ${r}`);
  }
  const errs = a.map(completenessError);
  assert.ok(Math.max(...errs) < 2e-3, JSON.stringify(errs));
  // The beats of the two records used their own template: the background logits differ.
  assert.ok(Math.abs(a[0].baselineOutput! - (await pairBaseline(bg, T[1], cls[0]))) > 1e-4);
});

async function pairBaseline(bg: { x: Float32Array; extra?: Float32Array }, t: Float32Array, c: number) {
  const m = bg.x.length / L;
  const logits = await pair.logits(
    bg.x,
    bg.extra,
    Array.from({ length: m }, () => t),
  );
  let s = 0;
  for (let k = 0; k < m; k++) s += logits[k * 5 + c] / m;
  return s;
}

test("occlusion of a beat segment changes both channels: the drop of [occluded, occluded - template]", async () => {
  const [a] = await explainBeats(
    pair,
    { x: beats.x.slice(0, L), extra: beats.extra.slice(0, 4), template: [T[0]] },
    cls.subarray(0, 1),
    "occlusion",
    { occlusion: { window: 16, stride: 16 } },
  );
  assert.equal(a.attribution.length, L);
  const occluded = beats.x.slice(0, L);
  occluded.fill(0, 32, 48);
  const want = (
    await net.logits(
      twoChannel(occluded, () => T[0]),
      beats.extra.slice(0, 4),
    )
  )[cls[0]];
  const sum = a.attribution.subarray(32, 48).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - (a.output - want)) < 1e-4, `${sum} vs ${a.output - want}`);
  // Everything occluded: the beat is the flat baseline, the net sees [0, -template] (RR inputs at theirs).
  const flat = (
    await net.logits(
      twoChannel(new Float32Array(L), () => T[0]),
      new Float32Array(4),
    )
  )[cls[0]];
  assert.ok(Math.abs(a.baselineOutput! - flat) < 1e-4);
});

test("Grad-CAM and Guided Grad-CAM: the net's conv maps, one value per beat sample", async () => {
  const x2 = twoChannel(beats.x, (r) => template[r]);
  const b = await net.gradients(x2, beats.extra, cls);
  const guided = await net.gradients(x2, beats.extra, cls, "guided");
  const cam = (r: number) => upsample(camOf(b, r), L);
  const gc: Attribution[] = await explainBeats(pair, { ...beats, template }, cls, "gradcam");
  const gg: Attribution[] = await explainBeats(pair, { ...beats, template }, cls, "guided-gradcam");
  for (let r = 0; r < 6; r++) {
    close(gc[r].attribution, cam(r), 1e-5, `gradcam ${r}`);
    const g = fold(guided.gradX.subarray(2 * r * L, 2 * (r + 1) * L));
    close(
      gg[r].attribution,
      cam(r).map((v, k) => v * g[k]),
      1e-4,
      `guided ${r}`,
    );
  }
});
