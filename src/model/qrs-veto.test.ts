import { test } from "node:test";
import assert from "node:assert/strict";
import { qrsVetoError, vetoProbs } from "./qrs-veto.js";

const classes = ["N", "S", "V", "F", "Q"];
const close = (a: ArrayLike<number>, b: number[]) =>
  assert.ok(
    Array.from(a).every((v, i) => Math.abs(v - b[i]) < 1e-6),
    `${Array.from(a)} vs ${b}`,
  );

test("V and F are ruled out where the QRS matches the record's usual one; rows stay distributions", () => {
  const p = Float32Array.of(0.3, 0.1, 0.5, 0.1, 0, 0.3, 0.1, 0.5, 0.1, 0, 0, 0, 0.6, 0.4, 0);
  const veto = { classes: ["V", "F"], above: 0.95 };
  const out = vetoProbs(p, classes, Float32Array.of(0.97, 0.5, 0.99), veto);
  close(out.subarray(0, 5), [0.75, 0.25, 0, 0, 0]); // matching QRS: V out, N now the argmax
  close(out.subarray(5, 10), [0.3, 0.1, 0.5, 0.1, 0]); // unusual QRS: untouched
  close(out.subarray(10), [0, 0, 0.6, 0.4, 0]); // the net gives V and F alone: left as it is
  assert.equal(vetoProbs(p, classes, undefined, undefined), p);
  assert.throws(() => vetoProbs(p, classes, Float32Array.of(1), veto), /qrsMatch of the 3 beats/);
});

test("model.json's qrsVeto is checked against the classes", () => {
  assert.equal(qrsVetoError({ classes: ["V", "F"], above: 0.95 }, classes), undefined);
  assert.match(qrsVetoError({ classes: ["X"], above: 0.95 }, classes)!, /classes/);
  assert.match(qrsVetoError({ classes: [], above: 0.95 }, classes)!, /classes/);
  assert.match(qrsVetoError({ classes, above: 0.95 }, classes)!, /at least one/);
  assert.match(qrsVetoError({ classes: ["V"], above: 1.5 }, classes)!, /above/);
  assert.match(qrsVetoError(null, classes)!, /must be/);
});

test("pClasses are ruled out only where the QRS and the P wave both match the usual beat's", () => {
  const p = Float32Array.of(
    0.2,
    0.6,
    0.1,
    0.1,
    0,
    0.2,
    0.6,
    0.1,
    0.1,
    0,
    0.2,
    0.6,
    0.1,
    0.1,
    0,
    0,
    1,
    0,
    0,
    0,
  );
  const veto = { classes: ["V", "F"], above: 0.95, pClasses: ["S"], pAbove: 0.9 };
  const qrs = Float32Array.of(0.97, 0.97, 0.5, 0.99);
  const out = vetoProbs(p, classes, qrs, veto, Float32Array.of(0.95, 0.5, 0.99, 0.99));
  close(out.subarray(0, 5), [1, 0, 0, 0, 0]); // usual QRS and P wave: V, F, then S out
  close(out.subarray(5, 10), [0.25, 0.75, 0, 0, 0]); // usual QRS, another P wave: only V, F out
  close(out.subarray(10, 15), [0.2, 0.6, 0.1, 0.1, 0]); // unusual QRS: untouched, whatever its P wave
  close(out.subarray(15), [0, 1, 0, 0, 0]); // all S: nothing else to choose, kept
  assert.throws(() => vetoProbs(p, classes, qrs, veto), /pMatch of the 4 beats/);
});

test("model.json's P rule is checked: pClasses with pAbove, a class left", () => {
  const ok = { classes: ["V", "F"], above: 0.95, pClasses: ["S"], pAbove: 0.9 };
  assert.equal(qrsVetoError(ok, classes), undefined);
  assert.match(qrsVetoError({ ...ok, pAbove: undefined }, classes)!, /pAbove/);
  assert.match(qrsVetoError({ ...ok, pAbove: 2 }, classes)!, /pAbove/);
  assert.match(qrsVetoError({ ...ok, pClasses: undefined }, classes)!, /pClasses/);
  assert.match(qrsVetoError({ ...ok, pClasses: ["X"] }, classes)!, /pClasses/);
  assert.match(
    qrsVetoError({ ...ok, classes: ["V", "F", "Q"], pClasses: ["S", "N"] }, classes)!,
    /leave a class/,
  );
});

test("afAbove: on beats flagged as atrial fibrillation the QRS counts as the usual one from the lower match", () => {
  const row = [0.3, 0.1, 0.5, 0.1, 0];
  const p = Float32Array.from([...row, ...row, ...row]);
  const veto = { classes: ["V", "F"], above: 0.95, afAbove: 0.85 };
  const qrs = Float32Array.of(0.88, 0.88, 0.8);
  // 0: AF, 0.88 >= 0.85: V, F out; 1: not AF, 0.88 < 0.95: kept; 2: AF but 0.8 < 0.85: kept
  const out = vetoProbs(p, classes, qrs, veto, undefined, Uint8Array.of(1, 0, 1));
  close(out, [0.75, 0.25, 0, 0, 0, ...row, ...row]);
  // without the flags (no guard) afAbove does nothing
  close(vetoProbs(p, classes, qrs, veto), [...row, ...row, ...row]);
  assert.equal(qrsVetoError(veto, classes), undefined);
  assert.match(
    qrsVetoError({ ...veto, afAbove: 0.99 }, classes)!,
    /afAbove must be a number in \[-1, above\]/,
  );
  assert.match(qrsVetoError({ ...veto, afAbove: "0.8" }, classes)!, /afAbove/);
});

test("unusual: a beat still called S on a QRS unlike the usual one gives S's probability to V", () => {
  const row = [0.3, 0.5, 0.15, 0.05, 0];
  const p = Float32Array.from([...row, ...row, ...row, ...row, 0.6, 0.3, 0.1, 0, 0]);
  const veto = { classes: ["V", "F"], above: 0.95, unusual: { from: ["S"], to: "V", below: 0.9 } };
  const qrs = Float32Array.of(0.5, 0.92, 0.97, 0.5, 0.5);
  const out = vetoProbs(p, classes, qrs, veto, undefined, undefined, Uint8Array.of(0, 0, 0, 1, 0));
  close(out.subarray(0, 5), [0.3, 0, 0.65, 0.05, 0]); // unusual QRS, called S: S -> V
  close(out.subarray(5, 10), row); // 0.92: neither usual nor unusual
  close(out.subarray(10, 15), [0.3 / 0.8, 0.5 / 0.8, 0, 0, 0]); // usual: V, F out, S stays
  close(out.subarray(15, 20), row); // read against a second template: left alone
  close(out.subarray(20), [0.6, 0.3, 0.1, 0, 0]); // called N: left alone
  assert.equal(qrsVetoError(veto, classes), undefined);
  const bad = (u: unknown) => qrsVetoError({ ...veto, unusual: u }, classes);
  assert.match(bad({ from: ["X"], to: "V", below: 0.9 })!, /unusual: from/);
  assert.match(bad({ from: ["S"], to: "S", below: 0.9 })!, /unusual: to/);
  assert.match(bad({ from: ["S"], to: "V", below: 2 })!, /unusual: below/);
  assert.match(bad(null)!, /unusual: from/);
});
