import { test } from "node:test";
import assert from "node:assert/strict";
import { confusionMatrix, evaluatePredictions, metricsFromConfusion } from "./metrics.js";

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
