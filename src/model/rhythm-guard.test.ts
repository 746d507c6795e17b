import { test } from "node:test";
import assert from "node:assert/strict";
import { RR_DIM, RR_FEATURES } from "../beats/index.js";
import { applyGuard, guardProbs, rhythmGuardError } from "./rhythm-guard.js";

const classes = ["N", "S", "V"];
const rows = (irregularity: number[]) => {
  const rr = new Float32Array(irregularity.length * RR_DIM);
  irregularity.forEach((v, i) => (rr[i * RR_DIM + RR_FEATURES.indexOf("rhythmIrregularity")] = v));
  return rr;
};
const close = (a: ArrayLike<number>, b: number[]) =>
  assert.ok(
    Array.from(a).every((v, i) => Math.abs(v - b[i]) < 1e-6),
    `${Array.from(a)} vs ${b}`,
  );

test("no guard: the probabilities themselves", () => {
  const p = Float32Array.of(0.2, 0.7, 0.1);
  assert.equal(guardProbs(p, classes, rows([1]), undefined), p);
});

test("an irregular beat cannot be S; a regular one gets S's prior shift; rows stay distributions", () => {
  const p = Float32Array.of(0.2, 0.7, 0.1, 0.5, 0.4, 0.1);
  const g = { suppress: "S", threshold: 0.13, logOffset: Math.log(2) };
  const out = guardProbs(p, classes, rows([0.2, 0.1]), g);
  close(out.subarray(0, 3), [0.2 / 0.3, 0, 0.1 / 0.3]);
  close(out.subarray(3), [0.5 / 1.4, 0.8 / 1.4, 0.1 / 1.4]); // S 0.4 x 2: now the argmax
  // a beat given to S alone keeps its row (there is nothing else to choose)
  close(guardProbs(Float32Array.of(0, 1, 0), classes, rows([1]), g), [0, 1, 0]);
  assert.throws(() => guardProbs(p, classes, rows([0]), g), /1 RR rows for 2 beats/);
});

test("model.json's rhythmGuard is checked against the classes", () => {
  assert.equal(rhythmGuardError({ suppress: "S", threshold: 0.1, logOffset: 0 }, classes), undefined);
  assert.match(
    rhythmGuardError({ suppress: "A", threshold: 0.1, logOffset: 0 }, classes)!,
    /one of the classes/,
  );
  assert.match(rhythmGuardError({ suppress: "S", threshold: -1, logOffset: 0 }, classes)!, /threshold/);
  assert.match(rhythmGuardError({ suppress: "S", threshold: 0.1 }, classes)!, /logOffset/);
  assert.match(rhythmGuardError(null, classes)!, /must be/);
});

test("with atrialBelow, S is ruled out only where the rhythm is irregular AND the P wave inconsistent", () => {
  const p = Float32Array.of(0.2, 0.7, 0.1, 0.2, 0.7, 0.1, 0.2, 0.7, 0.1);
  const g = { suppress: "S", threshold: 0.13, logOffset: 0, atrialBelow: 0.7 };
  // irregular without P wave: out; irregular with P wave: kept; regular without P wave: kept
  const out = guardProbs(p, classes, rows([0.2, 0.2, 0.05]), g, { atrial: Float32Array.of(0.1, 0.9, 0.1) });
  close(out, [0.2 / 0.3, 0, 0.1 / 0.3, 0.2, 0.7, 0.1, 0.2, 0.7, 0.1]);
  assert.throws(() => guardProbs(p, classes, rows([0.2, 0.2, 0.05]), g), /atrialConsistency of the 3 beats/);
  assert.equal(rhythmGuardError(g, classes), undefined);
  assert.match(rhythmGuardError({ ...g, atrialBelow: 2 }, classes)!, /atrialBelow/);
  assert.match(rhythmGuardError({ ...g, atrialBelow: "0.7" }, classes)!, /atrialBelow/);
});

test("with qrsBelow too: irregular AND (no consistent P wave OR a QRS unlike the patient's usual one)", () => {
  const p = Float32Array.from({ length: 12 }, (_, j) => [0.2, 0.7, 0.1][j % 3]);
  const g = { suppress: "S", threshold: 0.13, logOffset: 0, atrialBelow: 0.7, atrialLags: 3, qrsBelow: 0.95 };
  const inputs = { atrial: Float32Array.of(0.1, 0.9, 0.9, 0.1), qrs: Float32Array.of(0.99, 0.5, 0.99, 0.5) };
  const { ruledOut } = applyGuard(p, classes, rows([0.2, 0.2, 0.2, 0.05]), g, inputs);
  assert.deepEqual([...ruledOut!], [1, 1, 0, 0]);
  // qrsBelow alone: irregular AND an unusual QRS
  const q = applyGuard(p, classes, rows([0.2, 0.2, 0.2, 0.05]), { ...g, atrialBelow: undefined }, inputs);
  assert.deepEqual([...q.ruledOut!], [0, 1, 0, 0]);
  assert.throws(() => applyGuard(p, classes, rows([0, 0, 0, 0]), g, { atrial: inputs.atrial }), /qrsMatch/);
  assert.equal(rhythmGuardError(g, classes), undefined);
  assert.match(rhythmGuardError({ ...g, atrialLags: 0 }, classes)!, /atrialLags/);
  assert.match(rhythmGuardError({ ...g, atrialLags: 1.5 }, classes)!, /atrialLags/);
  assert.match(rhythmGuardError({ ...g, qrsBelow: -2 }, classes)!, /qrsBelow/);
});

test("entropyAbove: S also ruled out wherever rhythmEntropy reaches it, whatever the irregularity and conditions", () => {
  const p = Float32Array.from({ length: 12 }, (_, j) => [0.2, 0.7, 0.1][j % 3]);
  const g = { suppress: "S", threshold: 0.13, logOffset: 0, qrsBelow: 0.95, entropyAbove: -0.75 };
  const rr = rows([0.01, 0.5, 0.5, 0.01]); // regular, irregular, irregular, regular
  const col = RR_FEATURES.indexOf("rhythmEntropy");
  [-0.5, -2.6, -2.6, -0.75].forEach((v, i) => (rr[i * RR_DIM + col] = v));
  // 0: AF-like entropy; 1: irregular with an unusual QRS; 2: irregular, usual QRS, low entropy; 3: at the threshold
  const qrs = Float32Array.of(0.99, 0.5, 0.99, 0.99);
  const { probs, ruledOut } = applyGuard(p, classes, rr, g, { qrs });
  assert.deepEqual(Array.from(ruledOut!), [1, 1, 0, 1]);
  close(probs.subarray(6, 9), [0.2, 0.7, 0.1]);
  close(probs.subarray(0, 3), [0.2 / 0.3, 0, 0.1 / 0.3]);
  assert.equal(rhythmGuardError(g, classes), undefined);
  assert.match(
    rhythmGuardError({ ...g, entropyAbove: Number.NaN }, classes)!,
    /entropyAbove must be a finite/,
  );
  assert.match(rhythmGuardError({ ...g, entropyAbove: "-1" }, classes)!, /entropyAbove must be a finite/);
});

test("giveTo: on atrial-fibrillation evidence the ruled-out S mass goes to N; an unusual QRS alone renormalises", () => {
  // the net's S 0.7 / V 0.2 / N 0.1: renormalising would make it V, giving S to N makes it N
  const p = Float32Array.from({ length: 12 }, (_, j) => [0.1, 0.7, 0.2][j % 3]);
  const g = {
    suppress: "S",
    threshold: 0.13,
    logOffset: Math.log(2),
    atrialBelow: 0.7,
    qrsBelow: 0.95,
    entropyAbove: -0.75,
    giveTo: "N",
  };
  const rr = rows([0.01, 0.5, 0.5, 0.01]);
  const col = RR_FEATURES.indexOf("rhythmEntropy");
  [-0.5, -2.6, -2.6, -2.6].forEach((v, i) => (rr[i * RR_DIM + col] = v));
  // 0: AF-like entropy; 1: irregular without a consistent P wave; 2: irregular, P wave, unusual QRS; 3: regular
  const inputs = { atrial: Float32Array.of(0.9, 0.1, 0.9, 0.9), qrs: Float32Array.of(0.99, 0.99, 0.5, 0.99) };
  const { probs, ruledOut, afEvidence } = applyGuard(p, classes, rr, g, inputs);
  assert.deepEqual(Array.from(ruledOut!), [1, 1, 1, 0]);
  assert.deepEqual(Array.from(afEvidence!), [1, 1, 0, 0]); // what the QRS veto's afAbove reads
  close(probs.subarray(0, 3), [0.8, 0, 0.2]);
  close(probs.subarray(3, 6), [0.8, 0, 0.2]);
  close(probs.subarray(6, 9), [0.1 / 0.3, 0, 0.2 / 0.3]);
  close(probs.subarray(9), [0.1 / 1.7, 1.4 / 1.7, 0.2 / 1.7]); // not ruled out: S's prior shift as before
  // a plain guard (no conditions): the irregularity is the evidence
  const plain = { suppress: "S", threshold: 0.13, logOffset: 0, giveTo: "N" };
  close(guardProbs(p.subarray(0, 3), classes, rows([0.5]), plain), [0.8, 0, 0.2]);
  assert.equal(rhythmGuardError(g, classes), undefined);
  assert.match(rhythmGuardError({ ...g, giveTo: "S" }, classes)!, /giveTo must be one of the classes N, V/);
  assert.match(rhythmGuardError({ ...g, giveTo: "Q" }, classes)!, /giveTo must be one of/);
});

test("atrialEntropyAbove: no consistent P wave counts as atrial fibrillation only where the entropy reaches it", () => {
  const p = Float32Array.from({ length: 12 }, (_, j) => [0.1, 0.7, 0.2][j % 3]);
  const g = {
    ...{ suppress: "S", threshold: 0.13, logOffset: 0, atrialBelow: 0.7, qrsBelow: 0.95 },
    ...{ entropyAbove: -0.75, giveTo: "N", atrialEntropyAbove: -1.5 },
  };
  const rr = rows([0.5, 0.5, 0.5, 0.5]); // all irregular
  const col = RR_FEATURES.indexOf("rhythmEntropy");
  [-1.2, -1.5, -2.6, -2.6].forEach((v, i) => (rr[i * RR_DIM + col] = v));
  // no consistent P wave on all four; 0-1: entropy at or above -1.5; 2: below, usual QRS; 3: below, unusual QRS
  const inputs = { atrial: Float32Array.of(0.1, 0.1, 0.1, 0.1), qrs: Float32Array.of(0.99, 0.99, 0.99, 0.5) };
  const { probs, ruledOut, afEvidence } = applyGuard(p, classes, rr, g, inputs);
  assert.deepEqual(Array.from(ruledOut!), [1, 1, 0, 1]);
  assert.deepEqual(Array.from(afEvidence!), [1, 1, 0, 0]);
  close(probs.subarray(6, 9), [0.1, 0.7, 0.2]); // S stays
  close(probs.subarray(9), [0.1 / 0.3, 0, 0.2 / 0.3]); // the unusual QRS alone: renormalised
  const { atrialEntropyAbove: _, ...without } = g;
  assert.deepEqual(Array.from(applyGuard(p, classes, rr, without, inputs).ruledOut!), [1, 1, 1, 1]);
  assert.equal(rhythmGuardError(g, classes), undefined);
  assert.match(rhythmGuardError({ ...g, atrialEntropyAbove: Number.NaN }, classes)!, /atrialEntropyAbove/);
  const { atrialBelow: __, ...noAtrial } = g;
  assert.match(rhythmGuardError(noAtrial, classes)!, /atrialEntropyAbove must be .* with atrialBelow/);
});
