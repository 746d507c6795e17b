import { test } from "node:test";
import assert from "node:assert/strict";
import { RR_DIM, RR_FEATURES } from "../beats/index.js";
import { atrialConsistency } from "../beats/index.js";
import { decideProbs, guardSmoothed } from "./decide.js";

test("smoothedFrom compares the final labels with and without the smoothing, the guard applied to both", () => {
  const spec = {
    classes: ["N", "S", "V", "F", "Q"],
    window: { before: 90, after: 166 },
    rhythmGuard: { suppress: "S", threshold: 0.13, logOffset: 0 },
  };
  // beat 0, irregular rhythm (S ruled out): the net says S > V > N, so the guarded net says V; the smoothing moves V's
  // share to N: its top class stays S (the net's argmax is unchanged), but after the guard N, not V
  // beat 1, regular: S on top with and without the smoothing (N and V trade places below it)
  const net = Float32Array.of(0.25, 0.4, 0.35, 0, 0, 0.25, 0.4, 0.35, 0, 0);
  const smoothed = Float32Array.of(0.45, 0.4, 0.15, 0, 0, 0.35, 0.4, 0.25, 0, 0);
  const rr = new Float32Array(2 * RR_DIM);
  rr[RR_FEATURES.indexOf("rhythmIrregularity")] = 0.5;
  const d = guardSmoothed(spec, net, smoothed, rr);
  assert.deepEqual([...(d.smoothedFrom ?? [])], [2, -1]);
  assert.deepEqual([...(d.ruledOut ?? [])], [1, 0]);
});

test("a guard with atrialBelow reads the atrialConsistency of the beats' windows, per record, or the one given", () => {
  const spec = {
    classes: ["N", "S"],
    window: { before: 90, after: 10 },
    rhythmGuard: { suppress: "S", threshold: 0.13, logOffset: 0, atrialBelow: 0.5 },
  };
  const n = 6;
  const rr = new Float32Array(n * RR_DIM);
  for (let i = 0; i < n; i++) rr[i * RR_DIM + RR_FEATURES.indexOf("rhythmIrregularity")] = 0.5;
  const net = Float32Array.from({ length: 2 * n }, (_, j) => (j % 2 ? 0.6 : 0.4));
  // record a: the same P region every beat; record b: alternating shapes (correlation -1)
  const windows = Float32Array.from({ length: n * 100 }, (_, j) => {
    const [i, t] = [Math.floor(j / 100), j % 100];
    return i < 3 ? Math.sin(t / 5) : (i % 2 ? 1 : -1) * Math.sin(t / 5);
  });
  const record = ["a", "a", "a", "b", "b", "b"];
  const d = decideProbs(spec, net, { rr, windows, record });
  assert.deepEqual([...(d.ruledOut ?? [])], [0, 0, 0, 1, 1, 1]);
  const atrial = atrialConsistency(windows, 100, 90, 360, record);
  assert.deepEqual(
    [...atrial].map((v) => Math.round(v)),
    [1, 1, 1, -1, -1, -1],
  );
  const given = decideProbs(spec, net, { rr, matches: { atrial: new Float32Array(n).fill(0.9) } });
  assert.deepEqual([...(given.ruledOut ?? [])], [0, 0, 0, 0, 0, 0]);
  assert.throws(() => decideProbs(spec, net, { rr }), /needs the beats' windows/);
});

test("a QRS veto acts after the guard, on the qrsMatch of the beats' windows against their record's median beat", () => {
  const spec = {
    classes: ["N", "S", "V"],
    window: { before: 90, after: 166 },
    qrsVeto: { classes: ["V"], above: 0.95 },
  };
  // four beats alike (a narrow QRS) and a fifth unlike them (inverted): only the fifth may stay V
  const len = 256;
  const windows = Float32Array.from({ length: 5 * len }, (_, j) => {
    const [i, t] = [Math.floor(j / len), (j % len) - 90];
    return (i === 4 ? -1 : 1) * Math.exp(-((t / (i === 4 ? 12 : 4)) ** 2)) + 0.01 * Math.sin(j);
  });
  const net = Float32Array.from({ length: 15 }, (_, j) => [0.3, 0.1, 0.6][j % 3]);
  const d = decideProbs(spec, net, { rr: new Float32Array(5 * RR_DIM), windows });
  assert.deepEqual(
    Array.from({ length: 5 }, (_, i) => (d.probs[i * 3 + 2] > 0.5 ? "V" : "N")),
    ["N", "N", "N", "N", "V"],
  );
  assert.throws(
    () => decideProbs(spec, net, { rr: new Float32Array(5 * RR_DIM) }),
    /needs the beats' windows/,
  );
});

test("the veto's afAbove acts on the beats the guard rules S out on atrial-fibrillation evidence, and there only", () => {
  const spec = {
    classes: ["N", "S", "V"],
    window: { before: 90, after: 166 },
    rhythmGuard: { suppress: "S", threshold: 0.13, logOffset: 0, entropyAbove: -0.75 },
    qrsVeto: { classes: ["V"], above: 0.95, afAbove: 0.85 },
  };
  // beat 0: AF-like entropy, qrsMatch 0.88; beat 1: regular, 0.88; beat 2: AF-like, 0.8
  const rr = new Float32Array(3 * RR_DIM);
  [-0.5, -2, -0.5].forEach((v, i) => (rr[i * RR_DIM + RR_FEATURES.indexOf("rhythmEntropy")] = v));
  const net = Float32Array.from({ length: 9 }, (_, j) => [0.3, 0.1, 0.6][j % 3]);
  const d = decideProbs(spec, net, { rr, matches: { qrs: Float32Array.of(0.88, 0.88, 0.8) } });
  assert.deepEqual([...(d.afEvidence ?? [])], [1, 0, 1]);
  assert.deepEqual(
    Array.from({ length: 3 }, (_, i) => (d.probs[i * 3 + 2] > 0.5 ? "V" : "N")),
    ["N", "V", "V"],
  );
});
