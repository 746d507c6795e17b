// SHAP's stopping rule near the background mean: the completeness error is taken against
// max(|f(x) - mean f(b)|, floor x mean |f(x) - f(b)|), so a beat whose logit sits on the background mean is
// not refined to the step limit for a relative precision on a near-zero difference.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createExplainer, type Explainer } from "./explainer.js";
import { explainBeats } from "./explain.js";
import { sampleBackground, type Background } from "./shap.js";
import { syntheticBeats, trainedTestModel } from "./testing.js";
import { completenessError } from "./types.js";

const L = 256;
const F = 4;
const K = 5;
let e: Explainer;
let bg: Background;
/** the background's class-0 logits */
let zb: Float32Array;

before(async () => {
  e = await createExplainer(await trainedTestModel());
  bg = sampleBackground(syntheticBeats(60, 7), L, F, 12, 2);
  const z = await e.logits(bg.x, bg.extra);
  zb = Float32Array.from({ length: 12 }, (_, k) => z[k * K]);
});

after(() => e.release());

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

/** A beat on the segment between the background beats of lowest and highest class-0 logit whose logit is
 * the background mean (bisection): f(x) - mean f(b) near 0 while every path changes f by a lot. */
async function nearMeanBeat() {
  const lo = zb.indexOf(Math.min(...zb));
  const hi = zb.indexOf(Math.max(...zb));
  const at = (a: number) => ({
    x: Float32Array.from(
      { length: L },
      (_, i) => bg.x[lo * L + i] + a * (bg.x[hi * L + i] - bg.x[lo * L + i]),
    ),
    extra: Float32Array.from(
      { length: F },
      (_, i) => bg.extra![lo * F + i] + a * (bg.extra![hi * F + i] - bg.extra![lo * F + i]),
    ),
  });
  const target = mean(zb);
  let [a, b] = [0, 1];
  for (let it = 0; it < 30; it++) {
    const mid = (a + b) / 2;
    const m = at(mid);
    if ((await e.logits(m.x, m.extra))[0] < target) a = mid;
    else b = mid;
  }
  return at((a + b) / 2);
}

test("a beat on the background mean: stops at tolerance x floor of the paths' logit change, and says so", async () => {
  const beat = await nearMeanBeat();
  const cls = Int32Array.of(0);
  const fx = (await e.logits(beat.x, beat.extra))[0];
  const scale = mean(Array.from(zb, (v) => Math.abs(fx - v)));
  assert.ok(Math.abs(fx - mean(zb)) < 1e-3 * scale, "the beat sits on the background mean");
  const o = { background: bg, shap: { tolerance: 0.03 } };
  const [floored] = await explainBeats(e, beat, cls, "shap", o);
  const [plain] = await explainBeats(e, beat, cls, "shap", { ...o, shap: { ...o.shap, floor: 0 } });
  const sumOf = (a: typeof floored) => [...a.attribution, ...a.other].reduce((s, v) => s + v, 0);
  const delta = floored.output - floored.baselineOutput!;
  // the stopping rule, checked from outside: error <= 3 % of 0.1 x the paths' mean |logit change|
  assert.ok(Math.abs(sumOf(floored) - delta) <= 0.03 * 0.1 * scale, `${sumOf(floored)} vs ${delta}`);
  assert.ok(Math.abs(floored.info.pathScale - scale) < 1e-4 * scale);
  assert.ok(floored.info.floorError <= 0.03);
  // the reported error is still the plain one, against the near-zero difference
  const reported = floored.info.completenessError;
  assert.ok(Math.abs(reported - completenessError(floored)) <= 1e-4 * reported, `${reported}`);
  // without the floor, the same beat is refined much further: the cost the floor removes
  assert.ok(
    plain.info.gradientsPerBeat >= 3 * floored.info.gradientsPerBeat,
    `${plain.info.gradientsPerBeat} vs ${floored.info.gradientsPerBeat} gradient evaluations`,
  );
});

test("a beat away from the background mean: the floor changes nothing", async () => {
  const beats = syntheticBeats(6, 99);
  const cls = Int32Array.from(beats.y);
  const z = await e.logits(beats.x, beats.extra);
  const zbAll = await e.logits(bg.x, bg.extra);
  // beats whose |f(x) - mean f(b)| is at least 0.1 x mean |f(x) - f(b)| for their class
  const rows = [0, 1, 2, 3, 4, 5].filter((r) => {
    const c = cls[r];
    const fb = Array.from({ length: 12 }, (_, k) => zbAll[k * K + c]);
    return Math.abs(z[r * K + c] - mean(fb)) >= 0.1 * mean(fb.map((v) => Math.abs(z[r * K + c] - v)));
  });
  assert.ok(rows.length >= 3, `${rows.length} well-conditioned beats`);
  const pick = {
    x: Float32Array.from(rows.flatMap((r) => Array.from(beats.x.subarray(r * L, (r + 1) * L)))),
    extra: Float32Array.from(rows.flatMap((r) => Array.from(beats.extra.subarray(r * F, (r + 1) * F)))),
  };
  const c = Int32Array.from(rows, (r) => cls[r]);
  const a = await explainBeats(e, pick, c, "shap", { background: bg });
  const b = await explainBeats(e, pick, c, "shap", { background: bg, shap: { floor: 0 } });
  a.forEach((x, i) => {
    assert.deepEqual(x.attribution, b[i].attribution);
    assert.equal(x.info.gradientsPerBeat, b[i].info.gradientsPerBeat);
  });
});
