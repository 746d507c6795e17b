import { test } from "node:test";
import assert from "node:assert/strict";
import {
  confusionMatrix,
  confusionsByRecord,
  evaluatePredictions,
  metricsFromConfusion,
  recordBreakdown,
  recordReport,
} from "./metrics.js";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test("confusion matrix counts (true row, predicted column)", () => {
  const cm = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3);
  assert.deepEqual(cm, [
    [1, 1, 0],
    [0, 1, 0],
    [1, 0, 2],
  ]);
  assert.throws(() => confusionMatrix([0, 3], [0, 0], 3), /out of range/);
  assert.throws(() => confusionMatrix([0], [0, 1], 3), /2 predictions/);
  assert.throws(() => confusionMatrix([0.5], [0], 3), /out of range/);
});

test("metrics of a worked example, by hand", () => {
  // 100 beats. N: 80 (76 right, 3 -> S, 1 -> V); S: 10 (6 right, 4 -> N); V: 10 (9 right, 1 -> N).
  const m = metricsFromConfusion(
    [
      [76, 3, 1],
      [4, 6, 0],
      [1, 0, 9],
    ],
    ["N", "S", "V"],
  );
  assert.equal(m.total, 100);
  close(m.accuracy, 0.91);
  const [n, s, v] = m.perClass;
  assert.deepEqual([s.tp, s.fp, s.fn, s.tn], [6, 3, 4, 87]);
  close(s.precision, 6 / 9);
  close(s.sensitivity, 6 / 10);
  close(s.specificity, 87 / 90);
  close(s.f1, 12 / 19);
  close(n.precision, 76 / 81);
  close(n.sensitivity, 76 / 80);
  close(n.specificity, 15 / 20);
  close(v.f1, 18 / 20);
  close(m.macroF1, (152 / 161 + 12 / 19 + 18 / 20) / 3);
});

test("absent classes give 0 instead of NaN and do not count in macro-F1", () => {
  const m = evaluatePredictions([0, 0, 1, 1], [0, 0, 1, 2], ["A", "B", "C"]);
  const c = m.perClass[2];
  assert.equal(c.support, 0);
  assert.equal(c.sensitivity, 0);
  assert.equal(c.precision, 0);
  assert.equal(c.f1, 0);
  close(m.macroF1, (1 + 2 / 3) / 2);
  assert.ok(
    m.perClass.every((p) => [p.precision, p.sensitivity, p.specificity, p.f1].every(Number.isFinite)),
  );
  const empty = evaluatePredictions([], [], ["A", "B"]);
  assert.equal(empty.accuracy, 0);
  assert.equal(empty.macroF1, 0);
});

test("perfect predictions give 1 everywhere", () => {
  const y = [0, 1, 2, 3, 4, 0, 0];
  const m = evaluatePredictions(y, y, ["N", "L", "R", "A", "V"]);
  assert.equal(m.accuracy, 1);
  assert.equal(m.macroF1, 1);
  for (const p of m.perClass)
    assert.deepEqual([p.precision, p.sensitivity, p.specificity, p.f1], [1, 1, 1, 1]);
});

test("per record: each record's confusion, Se / +P null where undefined, EC57 averages over defined records", () => {
  // record a: N N S (S called N once), record b: N V V (one N called V), record c: N only
  const yTrue = [0, 0, 1, 0, 2, 2, 0, 0];
  const yPred = [0, 0, 0, 2, 2, 2, 0, 0];
  const rec = ["a", "a", "a", "b", "b", "b", "c", "c"];
  const byRecord = confusionsByRecord(yTrue, yPred, rec, 3);
  assert.deepEqual(
    byRecord.map(([r]) => r),
    ["a", "b", "c"],
  );
  const pooled = byRecord.reduce(
    (s, [, cm]) => s.map((row, i) => row.map((v, j) => v + cm[i][j])),
    [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ],
  );
  assert.deepEqual(pooled, confusionMatrix(yTrue, yPred, 3));
  const { records, recordAverage } = recordBreakdown(byRecord, ["N", "S", "V"]);
  const [a, b, c] = records;
  assert.equal(a.beats, 3);
  close(a.accuracy!, 2 / 3);
  assert.deepEqual(a.perClass.S, { support: 1, called: 0, sensitivity: 0, precision: null });
  close(a.perClass.N.precision!, 2 / 3);
  assert.deepEqual(b.perClass.V, { support: 2, called: 3, sensitivity: 1, precision: 2 / 3 });
  assert.equal(b.perClass.N.sensitivity, 0);
  assert.deepEqual(c.perClass.V, { support: 0, called: 0, sensitivity: null, precision: null });
  // S: Se defined in record a only (0), +P nowhere; V: Se in b only, +P in b only
  assert.deepEqual(recordAverage.S, {
    sensitivity: 0,
    sensitivityRecords: 1,
    precision: null,
    precisionRecords: 0,
  });
  assert.equal(recordAverage.V.sensitivityRecords, 1);
  close(recordAverage.V.precision!, 2 / 3);
  // N: Se over a (1), b (0), c (1); +P over a (2/3), c (1)
  close(recordAverage.N.sensitivity!, 2 / 3);
  assert.equal(recordAverage.N.precisionRecords, 2);
  close(recordAverage.N.precision!, (2 / 3 + 1) / 2);
  assert.equal(recordReport("empty", [[0]], ["N"]).accuracy, null);
  assert.throws(() => confusionsByRecord([0], [0], [], 1), /1 beats/);
});
