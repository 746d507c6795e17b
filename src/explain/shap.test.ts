// SHAP's stopping rule near the background mean. By default the completeness error is taken against
// |f(x) - mean f(b)| (issue 7: within 15 % on every beat), however many gradient evaluations a beat whose logit
// sits on the background mean needs; the opt-in `floor` takes it against max(|f(x) - mean f(b)|,
// floor x mean |f(x) - f(b)|) and so stops such a beat far earlier, at a larger error against the difference.
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
 * the background mean plus `offset` x the background's mean absolute deviation (bisection): f(x) - mean f(b)
 * near 0 while every path changes f by a lot. */
async function nearMeanBeat(offset: number) {
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
  const target = mean(zb) + offset * mean(Array.from(zb, (v) => Math.abs(v - mean(zb))));
  let [a, b] = [0, 1];
  for (let it = 0; it < 30; it++) {
    const mid = (a + b) / 2;
    const m = at(mid);
    if ((await e.logits(m.x, m.extra))[0] < target) a = mid;
    else b = mid;
  }
  return at((a + b) / 2);
}

test("a beat on the background mean: complete within 15 % by default; the opt-in floor stops it earlier", async () => {
  // v1-paper-intra's lone N beat: |f(x) - mean f(b)| = 0.018, 0.3 % of its paths' mean |logit change| (5.48)
  const beat = await nearMeanBeat(0.003);
  const cls = Int32Array.of(0);
  const fx = (await e.logits(beat.x, beat.extra))[0];
  const scale = mean(Array.from(zb, (v) => Math.abs(fx - v)));
  const near = Math.abs(fx - mean(zb)) / scale;
  assert.ok(
    near > 1e-3 && near < 1e-2,
    `the beat sits near the background mean (${near} of the paths' change)`,
  );
  const o = { background: bg, shap: { tolerance: 0.03 } };
  const [plain] = await explainBeats(e, beat, cls, "shap", o);
  const [floored] = await explainBeats(e, beat, cls, "shap", { ...o, shap: { ...o.shap, floor: 0.1 } });
  const sumOf = (a: typeof floored) => [...a.attribution, ...a.other].reduce((s, v) => s + v, 0);
  // the default, checked from outside: the attributions sum to f(x) - mean f(b) within 15 % of it
  const delta = plain.output - plain.baselineOutput!;
  assert.ok(Math.abs(sumOf(plain) - delta) <= 0.15 * Math.abs(delta), `${sumOf(plain)} vs ${delta}`);
  assert.ok(plain.info.completenessError <= 0.15, `${plain.info.completenessError}`);
  assert.equal(plain.info.floorError, plain.info.completenessError);
  // the floor's stopping rule, checked from outside: error <= 3 % of 0.1 x the paths' mean |logit change|
  const fdelta = floored.output - floored.baselineOutput!;
  assert.ok(Math.abs(sumOf(floored) - fdelta) <= 0.03 * 0.1 * scale, `${sumOf(floored)} vs ${fdelta}`);
  assert.ok(Math.abs(floored.info.pathScale - scale) < 1e-4 * scale);
  assert.ok(floored.info.floorError <= 0.03);
  // the reported error is still the plain one, against the near-zero difference
  const reported = floored.info.completenessError;
  assert.ok(Math.abs(reported - completenessError(floored)) <= 1e-4 * reported, `${reported}`);
  // with the floor, the same beat is refined much less: the cost it removes
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
  const a = await explainBeats(e, pick, c, "shap", { background: bg, shap: { floor: 0.1 } });
  const b = await explainBeats(e, pick, c, "shap", { background: bg });
  a.forEach((x, i) => {
    assert.deepEqual(x.attribution, b[i].attribution);
    assert.equal(x.info.gradientsPerBeat, b[i].info.gradientsPerBeat);
  });
});
