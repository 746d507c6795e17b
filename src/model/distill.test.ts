import { test } from "node:test";
import assert from "node:assert/strict";
import { RR_FEATURES } from "../beats/index.js";
import { inputColumns } from "./batches.js";
import { distillTargets, teacherMismatch } from "./distill.js";
import type { ModelMeta } from "./bundle.js";

test("distillTargets: (1 - alpha) one-hot + alpha x the teachers' mean; rows sum to 1", () => {
  const y = Int32Array.of(0, 2);
  const t1 = Float32Array.of(0.5, 0.5, 0, 0.2, 0.2, 0.6);
  const t2 = Float32Array.of(0.9, 0.1, 0, 0, 0, 1);
  const got = distillTargets(y, [t1, t2], 3, 0.5);
  const want = [0.5 + 0.35, 0.15, 0, 0.05, 0.05, 0.5 + 0.4];
  want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) < 1e-6, `${i}: ${got[i]} vs ${w}`));
  assert.deepEqual([...distillTargets(y, [t1], 3, 0)], [1, 0, 0, 0, 0, 1]);
  assert.deepEqual([...distillTargets(y, [t1], 3, 1)], [...t1]);
  assert.throws(() => distillTargets(y, [t1], 3, 1.5), /\[0, 1\]/);
  assert.throws(() => distillTargets(Int32Array.of(0, 3), [t1], 3, 0.5), /out of range/);
  assert.throws(() => distillTargets(y, [t1.subarray(0, 3)], 3, 0.5), /teacher rows/);
  assert.throws(() => distillTargets(y, [], 3, 0.5), /no teachers/);
});

test("teacherMismatch: a teacher must read the run's classes, morph, RR inputs and window", () => {
  const rrColumns = inputColumns({ rr: true });
  const meta = {
    classes: ["N", "S", "V", "F", "Q"],
    morph: "pair",
    extraFeatures: rrColumns.map((c) => RR_FEATURES[c]),
    window: { before: 90, after: 166 },
  } as unknown as ModelMeta;
  const window = { before: 90, after: 166 };
  const want = { classes: ["N", "S", "V", "F", "Q"], morph: "pair" as const, rrColumns, window };
  assert.equal(teacherMismatch(meta, want), undefined);
  assert.match(teacherMismatch(meta, { ...want, classes: ["N", "L", "R", "A", "V"] })!, /classes N S V F Q/);
  assert.match(teacherMismatch(meta, { ...want, morph: "none" })!, /morph pair, the run's none/);
  assert.match(teacherMismatch(meta, { ...want, rrColumns: [] })!, /RR inputs/);
  const irr = inputColumns({ rr: true, irregularity: true });
  assert.match(teacherMismatch(meta, { ...want, rrColumns: irr })!, /localRRdiff/);
  const wide = { ...meta, window: { before: 100, after: 156 } } as ModelMeta;
  assert.match(teacherMismatch(wide, want)!, /window/);
});
