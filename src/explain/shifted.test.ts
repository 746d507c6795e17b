// A model with test-time shifts is explained as it predicts: h_c(x) = mean_d z_c(S_d x), its gradient
// mean_d S_d^T grad z_c(S_d x); IG and SHAP are complete on h; the explained (predicted) class is classify's.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { morphInput, readLeadMv } from "../beats/index.js";
import { beatInputs } from "../model/beat-inputs.js";
import { loadBundle } from "../model/bundle.js";
import { classifyInputs, openClassifier } from "../model/classify.js";
import { shiftRows, shiftRowsAdjoint } from "../model/shifts.js";
import { isBeatCode, readAnnotations } from "../wfdb/index.js";
import { bundleExplainer } from "./bundle.js";
import { createExplainer, softmax, type Explainer } from "./explainer.js";
import { explainBeats } from "./explain.js";
import { camOf, camOnInput, gradCam, upsample } from "./gradcam.js";
import { repeatRows } from "./ig.js";
import { sampleBackground, type Background } from "./shap.js";
import { withTestShifts } from "./shifted.js";
import { pairTestBeats, syntheticBeats, trainedPairModel, trainedTestModel } from "./testing.js";
import { completenessError, type Attribution } from "./types.js";

const L = 256;
const SHIFTS = [-2, 0, 2];
const beats = syntheticBeats(6, 99);
const cls = Int32Array.from(beats.y);

/** the test network, plain and shift-averaged */
let plain: Explainer;
let shifted: Explainer;

before(async () => {
  const m = await trainedTestModel();
  plain = await createExplainer(m);
  shifted = await createExplainer({ ...m, testTimeShifts: SHIFTS });
});

after(async () => {
  await Promise.all([plain.release(), shifted.release()]);
});

const close = (got: number, want: number, tol: number, what: string) =>
  assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);

/** The plain net's logits (n x K) of the beats shifted by d. */
const plainLogits = (e: Explainer, d: number) => e.logits(shiftRows(beats.x, L, d), beats.extra);

test("without test-time shifts the explainer is the net's own (withTestShifts is the identity)", async () => {
  assert.equal(withTestShifts(plain, undefined), plain);
  assert.equal(plain.testTimeShifts, undefined);
  assert.deepEqual(shifted.testTimeShifts, SHIFTS);
  // probs are the softmax of the logits, to the bit
  const z = await plain.logits(beats.x, beats.extra);
  const p = await plain.probs(beats.x, beats.extra);
  for (let r = 0; r < 6; r++)
    assert.deepEqual(Array.from(p.subarray(r * 5, r * 5 + 5)), softmax(z.subarray(r * 5, r * 5 + 5)));
});

test("logits, probs and gradients of h: the mean over the shifted inputs, the gradient through S_d^T", async () => {
  const per = await Promise.all(SHIFTS.map((d) => plainLogits(plain, d)));
  const z = await shifted.logits(beats.x, beats.extra);
  const p = await shifted.probs(beats.x, beats.extra);
  for (let i = 0; i < z.length; i++) close(z[i], (per[0][i] + per[1][i] + per[2][i]) / 3, 1e-5, `logit ${i}`);
  for (let r = 0; r < 6; r++) {
    const want = [0, 1, 2, 3, 4].map(
      (k) => per.reduce((s, q) => s + softmax(q.subarray(r * 5, r * 5 + 5))[k], 0) / 3,
    );
    want.forEach((w, k) => close(p[r * 5 + k], w, 1e-6, `prob ${r},${k}`));
  }
  // the shifts change the prediction's numbers: h is not the plain net
  assert.ok(z.some((v, i) => Math.abs(v - per[1][i]) > 1e-3));
  // the gradient: mean_d S_d^T of the plain net's gradient at S_d x (the kinks of this ReLU net make finite
  // differences too rough to check it; IG's completeness below checks that it is grad h)
  const g = await shifted.gradients(beats.x, beats.extra, cls);
  const parts = await Promise.all(
    SHIFTS.map((d) => plain.gradients(shiftRows(beats.x, L, d), beats.extra, cls)),
  );
  const want = new Float32Array(6 * L);
  SHIFTS.forEach((d, s) => shiftRowsAdjoint(parts[s].gradX, L, d).forEach((v, i) => (want[i] += v / 3)));
  want.forEach((w, i) => close(g.gradX[i], w, 1e-5, `gradX ${i}`));
  for (let i = 0; i < g.gradExtra.length; i++) {
    const w = (parts[0].gradExtra[i] + parts[1].gradExtra[i] + parts[2].gradExtra[i]) / 3;
    close(g.gradExtra[i], w, 1e-5, `gradExtra ${i}`);
  }
  for (let r = 0; r < 6; r++) close(g.logits[r * 5 + cls[r]], z[r * 5 + cls[r]], 1e-5, "gradients' logits");
  // one shifted copy per row (shiftGradients): z_c(S_d x) and S_d^T grad z_c(S_d x), row r at shift r mod 3
  const shift = Int32Array.from({ length: 6 }, (_, r) => r % 3);
  const one = await shifted.shiftGradients!(beats.x, beats.extra, cls, shift);
  for (let r = 0; r < 6; r++) {
    const [s, d] = [shift[r], SHIFTS[shift[r]]];
    const wantX = shiftRowsAdjoint(parts[s].gradX.subarray(r * L, (r + 1) * L), L, d);
    wantX.forEach((w, i) => close(one.gradX[r * L + i], w, 1e-6, `shifted gradX ${r},${i}`));
    for (let k = 0; k < 5; k++)
      close(one.logits[r * 5 + k], per[s][r * 5 + k], 1e-6, `shifted logit ${r},${k}`);
    for (let f = 0; f < 4; f++)
      close(one.gradExtra[r * 4 + f], parts[s].gradExtra[r * 4 + f], 1e-6, `shifted gradExtra ${r},${f}`);
  }
  await assert.rejects(
    shifted.shiftGradients!(
      beats.x,
      beats.extra,
      cls,
      shift.map(() => 3),
    ),
    /out of range/,
  );
});

test("IG and SHAP are complete on h; occlusion's output is h", async () => {
  const ig = await explainBeats(shifted, beats, cls, "ig", { ig: { tolerance: 1e-4 } });
  const bg = sampleBackground(syntheticBeats(40, 7), L, 4, 10, 1);
  const shap = await explainBeats(shifted, beats, cls, "shap", { background: bg, shap: { tolerance: 0.01 } });
  const occ = await explainBeats(shifted, beats, cls, "occlusion");
  const z = await shifted.logits(beats.x, beats.extra);
  const zBase = await shifted.logits(new Float32Array(L), new Float32Array(4));
  const zBgShifted = await Promise.all(SHIFTS.map((d) => plain.logits(shiftRows(bg.x, L, d), bg.extra)));
  for (let r = 0; r < 6; r++) {
    const c = cls[r];
    close(ig[r].output, z[r * 5 + c], 1e-5, "IG output");
    close(ig[r].baselineOutput!, zBase[c], 1e-5, "IG baseline output");
    assert.ok(completenessError(ig[r]) <= 1e-4, `IG ${completenessError(ig[r])}`);
    // SHAP's background beat k is seen shifted by SHIFTS[k mod 3], each shift weighing 1/3 (paths.ts)
    const pairMean =
      [0, 1, 2]
        .map((s) => {
          const ks = [...Array(10).keys()].filter((k) => k % 3 === s);
          return ks.reduce((t, k) => t + zBgShifted[s][k * 5 + c], 0) / ks.length;
        })
        .reduce((a, b) => a + b) / 3;
    close(shap[r].baselineOutput!, pairMean, 1e-5, "SHAP baseline output");
    assert.ok(completenessError(shap[r]) <= 0.01, `SHAP ${completenessError(shap[r])}`);
    close(occ[r].output, z[r * 5 + c], 1e-5, "occlusion output");
  }
  // The plain net's gradient would not be complete on h: IG of the plain net sums to its own logit change.
  const igPlain = await explainBeats(plain, beats, cls, "ig", { ig: { tolerance: 1e-4 } });
  assert.ok(igPlain.some((a, r) => Math.abs(a.output - ig[r].output) > 1e-3));
});

/** ||a - b|| / ||b|| over the waveform and extra attributions of all beats */
const relDistance = (a: Attribution[], b: Attribution[]) => {
  let num = 0;
  let den = 0;
  a.forEach((x, r) =>
    [
      [x.attribution, b[r].attribution],
      [x.other, b[r].other],
    ].forEach(([u, v]) => u.forEach((_, i) => ((num += (u[i] - v[i]) ** 2), (den += v[i] ** 2)))),
  );
  return Math.sqrt(num / den);
};

/** a background of the same beats repeated `times` times (an empty cache) */
const repeated = (bg: Background, times: number): Background => ({
  x: repeatRows(bg.x, times),
  extra: bg.extra && repeatRows(bg.extra, times),
  cache: new Map(),
});

test("IG and SHAP integrate one shifted net per path: grad h's attributions at one gradient per point", async () => {
  // net gradient rows counted under both: the reference runs every path point through grad h (3 rows)
  let rows = 0;
  const counting: Explainer = {
    ...plain,
    gradients: (x, ...rest) => ((rows += x.length / L), plain.gradients(x, ...rest)),
  };
  const perPath = withTestShifts(counting, SHIFTS);
  const viaMean: Explainer = { ...perPath, shiftGradients: undefined };
  const run = async (e: Explainer, method: "ig" | "shap", background?: Background) => {
    rows = 0;
    const shap = { tolerance: 1e-3, maxSteps: 4096 };
    const a = await explainBeats(e, beats, cls, method, { background, shap, ig: { tolerance: 1e-4 } });
    return { a, rows };
  };
  const bgOf = () => sampleBackground(syntheticBeats(40, 7), L, 4, 10, 1); // 10 beats: prime to 3
  // IG: the baseline once per shift, so exactly the same quantity, each path refined on its own
  const [ig, igRef] = [await run(perPath, "ig"), await run(viaMean, "ig")];
  assert.ok(relDistance(ig.a, igRef.a) < 0.01, `IG ${relDistance(ig.a, igRef.a)}`);
  ig.a.forEach((a, r) => close(a.baselineOutput!, igRef.a[r].baselineOutput!, 1e-5, "IG baseline output"));
  // SHAP, each background beat at every shift (the background 3 times: beat k at shift k mod 3): the same
  // quantity as the reference's, baselineOutput the background's mean of h
  const ref = await run(viaMean, "shap", bgOf());
  const every = await run(perPath, "shap", repeated(bgOf(), 3));
  assert.ok(relDistance(every.a, ref.a) < 0.05, `SHAP, every shift: ${relDistance(every.a, ref.a)}`);
  every.a.forEach((a, r) => close(a.baselineOutput!, ref.a[r].baselineOutput!, 1e-5, "SHAP baseline output"));
  // SHAP with (beat, shift) pairs: complete on its own baselineOutput at fewer net rows
  const pairs = await run(perPath, "shap", bgOf());
  for (const a of pairs.a) assert.ok(completenessError(a) <= 1e-3, `SHAP pairs ${completenessError(a)}`);
  // (measured on this net: IG 7,343 rows against 16,911; SHAP 1,824 against 2,322)
  assert.ok(ig.rows < igRef.rows, `IG: ${ig.rows} vs ${igRef.rows} net gradient rows`);
  assert.ok(pairs.rows < ref.rows, `SHAP: ${pairs.rows} vs ${ref.rows} net gradient rows`);
  // deterministic: the same background seed gives the same attributions, to the bit
  const again = await run(perPath, "shap", bgOf());
  assert.deepEqual(again.a, pairs.a);
  // fewer background beats than shifts: some shift would have no path
  const two = sampleBackground(syntheticBeats(40, 7), L, 4, 2, 1);
  await assert.rejects(
    explainBeats(perPath, beats, cls, "shap", { background: two }),
    /2 baselines cannot give each of 3 shifts a path/,
  );
});

test("Grad-CAM of h: each shifted copy's map moved back to the beat's time axis, averaged", async () => {
  const got = await gradCam(shifted, beats, cls);
  const per = await Promise.all(
    SHIFTS.map((d) => plain.gradients(shiftRows(beats.x, L, d), beats.extra, cls)),
  );
  for (let r = 0; r < 6; r++) {
    const want = new Float32Array(L);
    SHIFTS.forEach((d, s) => {
      const cam = upsample(camOf(per[s], r), L);
      for (let u = 0; u < L; u++) if (u - d >= 0 && u - d < L) want[u] += cam[u - d] / 3;
    });
    for (let u = 0; u < L; u++) close(got[r].attribution[u], want[u], 1e-4, `cam ${r}[${u}]`);
  }
  // one shift of 0: Grad-CAM of the plain net
  const zero = withTestShifts(plain, [0]);
  const [a, b] = [
    await zero.gradients(beats.x, beats.extra, cls),
    await plain.gradients(beats.x, beats.extra, cls),
  ];
  for (let r = 0; r < 6; r++) assert.deepEqual(camOnInput(a, r, L), upsample(camOf(b, r), L));
});

test("a pair model with shifts: the whole net input [beat, beat - template] is shifted; IG complete on the beat", async () => {
  const m = await trainedPairModel();
  const pair = await createExplainer({ ...m, testTimeShifts: SHIFTS });
  const net = await createExplainer({ ...m, pair: false });
  try {
    const p = pairTestBeats(L);
    const two = morphInput(p.beats.x, L, (r) => p.template[r], "pair");
    const per = await Promise.all(SHIFTS.map((d) => net.logits(shiftRows(two, L, d), p.beats.extra)));
    const z = await pair.logits(p.beats.x, p.beats.extra, p.template);
    for (let i = 0; i < z.length; i++)
      close(z[i], (per[0][i] + per[1][i] + per[2][i]) / 3, 1e-5, `logit ${i}`);
    const ig = await explainBeats(pair, { ...p.beats, template: p.template }, p.cls, "ig", {
      ig: { tolerance: 1e-4 },
    });
    // (16,384 steps at most: a beat may stop above the 1e-4 asked)
    for (const a of ig) assert.ok(completenessError(a) <= 2e-3, `IG ${completenessError(a)}`);
    // IG's paths each read one shifted copy, the template shifted alike: its output is h's logit
    ig.forEach((a, r) => close(a.output, z[r * 5 + p.cls[r]], 1e-5, `IG output ${r}`));
  } finally {
    await Promise.all([pair.release(), net.release()]);
  }
});

test("shipped v1-aami-inter on samples/100: the explained class and probabilities are classify's", async () => {
  const bundle = await loadBundle("models/v1-aami-inter");
  const meta = bundle.meta;
  assert.ok(meta.testTimeShifts, "the shipped inter model averages over test-time shifts");
  const { fs, signal } = await readLeadMv("samples/100", meta.lead, false);
  const samples = (await readAnnotations("samples/100", "atr"))
    .filter((a) => isBeatCode(a.code))
    .map((a) => a.sample);
  const inputs = beatInputs(signal, fs, samples, meta);
  // the net's probabilities (the rhythm guard and QRS veto, after them, are explain's and classify's alike:
  // test/explain-shifts)
  const classifier = await openClassifier(bundle, { threads: 1, rhythmGuard: false, qrsVeto: false });
  const e = await bundleExplainer(bundle);
  const unshifted = await createExplainer({
    arch: meta.arch,
    classes: meta.classes,
    extraNames: meta.extraFeatures,
    weights: bundle.weights!,
    input: [2, L],
    pair: true,
  });
  try {
    const classified = await classifyInputs(classifier, samples, inputs);
    const n = samples.length;
    // the explainer's rows: the beat channel of each net input, with the record's template
    const x = new Float32Array(n * L);
    for (let r = 0; r < n; r++) x.set(inputs.x.subarray(2 * r * L, (2 * r + 1) * L), r * L);
    const templates = Array.from({ length: n }, () => inputs.template!);
    const K = meta.classes.length;
    const argmax = (p: ArrayLike<number>, r: number) => {
      const row = Array.from({ length: K }, (_, k) => p[r * K + k]);
      return meta.classes[row.indexOf(Math.max(...row))];
    };
    const [p, q] = [
      await e.probs(x, inputs.extra, templates),
      await unshifted.probs(x, inputs.extra, templates),
    ];
    let unshiftedGap = 0;
    classified.forEach((b, r) => {
      assert.equal(argmax(p, r), b.label, `beat at ${b.sample}`);
      meta.classes.forEach((c, k) => {
        assert.ok(Math.abs(p[r * K + k] - b.probs[c]) < 2e-6, `${b.sample} ${c}`);
        unshiftedGap = Math.max(unshiftedGap, Math.abs(q[r * K + k] - b.probs[c]));
      });
    });
    // the unshifted net (what explanations used to explain) is far from classify's probabilities on some beat,
    // so the 2e-6 agreement above tells the two apart
    assert.ok(unshiftedGap > 1e-2, `the unshifted net is within ${unshiftedGap} of classify on every beat`);
  } finally {
    await Promise.all([classifier.release(), e.release(), unshifted.release()]);
  }
});
