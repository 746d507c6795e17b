import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emptyPart, mulberry32, RR_DIM, type BeatDataset, type BeatPart } from "../beats/index.js";
import { loadBundle } from "./bundle.js";
import { loadCheckpoint } from "./checkpoint.js";
import { writeModelDir } from "./model-dir.js";
import { TRAIN_DEFAULTS, choiceScore, train, type RunState, type TrainConfig } from "./train.js";
import { evaluatePredictions } from "./metrics.js";

/** Separable synthetic beats: class k is a bump at index 90 of width 4 + 3k and sign (-1)^k. */
function part(n: number, seed: number, record: string): BeatPart {
  const rng = mulberry32(seed);
  const p = emptyPart(256, n);
  for (let i = 0; i < n; i++) {
    const k = i % 5 === 4 && rng() < 0.7 ? 0 : i % 5; // class 4 rarer, so oversampling has work to do
    p.y[i] = k;
    const amp = (k % 2 === 0 ? 1 : -1) * (0.8 + 0.4 * rng());
    for (let t = 0; t < 256; t++)
      p.x[i * 256 + t] = amp * Math.exp(-(((t - 90) / (4 + 3 * k)) ** 2)) + 0.1 * (rng() - 0.5);
    p.rr.fill(1, i * RR_DIM, (i + 1) * RR_DIM);
    p.record[i] = record;
    p.sample[i] = i;
  }
  return p;
}

const data: BeatDataset = {
  scheme: "paper",
  split: "intra",
  classes: ["N", "L", "R", "A", "V"],
  windowLength: 256,
  rrFeatures: [],
  parts: { train: part(160, 1, "a"), val: part(40, 2, "b"), test: part(40, 3, "c") },
  records: ["a", "b", "c"],
  valRecords: [],
  templates: new Map(),
  dropped: { edge: 0, invalid: 0 },
};
const config: TrainConfig = { ...TRAIN_DEFAULTS, arch: "v2", epochs: 2, batchSize: 32, threads: 1, seed: 4 };
const tmp = () => mkdtemp(join(tmpdir(), "av-train-"));

test("training: same seed gives the same weights; best and last checkpoints; a model directory", async () => {
  const [d1, d2] = [await tmp(), await tmp()];
  try {
    const a = await train(data, config, d1);
    const b = await train(data, config, d2);
    const [ca, cb] = [
      await loadCheckpoint<RunState>(join(d1, "last.ckpt")),
      await loadCheckpoint(join(d2, "last.ckpt")),
    ];
    assert.deepEqual(ca.tensors, cb.tensors);
    assert.equal(ca.meta.epoch, 2);
    assert.equal(ca.meta.history.length, 2);
    assert.ok(
      ca.meta.history.every((h) => Number.isFinite(h.loss) && h.valAccuracy >= 0 && h.valAccuracy <= 1),
    );
    const best = await loadCheckpoint<RunState>(join(d1, "best.ckpt"));
    const bestLog = ca.meta.history[best.meta.epoch - 1];
    assert.ok(ca.meta.history.every((h) => h.valMacroF1 <= bestLog.valMacroF1));
    const out = join(d1, "model");
    const fin = await writeModelDir(out, d1, a.trainer, data, a.state, "test");
    assert.equal(fin.meta.training.chosenEpoch, best.meta.epoch);
    assert.equal(fin.meta.validation.macroF1, bestLog.valMacroF1);
    const bundle = await loadBundle(out);
    assert.deepEqual(bundle.meta.classes, data.classes);
    assert.deepEqual(bundle.weights, best.tensors);
    assert.deepEqual((await readdir(d1)).sort(), [
      "best.ckpt",
      "last.ckpt",
      "model",
      "test-confusion.png",
      "test-confusion.svg",
      "val-confusion.png",
      "val-confusion.svg",
    ]);
    await Promise.all([a.trainer.release(), b.trainer.release()]);
  } finally {
    await Promise.all([rm(d1, { recursive: true }), rm(d2, { recursive: true })]);
  }
});

test("--resume continues after the last finished epoch, retrains none, ends as an uninterrupted run; settings must match", async () => {
  const dir = await tmp();
  try {
    // Interrupt the run right after epoch 1 has been checkpointed.
    await assert.rejects(
      train(data, config, dir, {
        events: {
          onEpoch: (log) => {
            if (log.epoch === 1) throw new Error("interrupted");
          },
        },
      }),
      /interrupted/,
    );
    const first = await loadCheckpoint<RunState>(join(dir, "last.ckpt"));
    assert.equal(first.meta.epoch, 1);
    const epochsStepped = new Set<number>();
    const r = await train(data, config, dir, {
      resume: true,
      events: { onStep: (p) => epochsStepped.add(p.epoch) },
    });
    assert.deepEqual([...epochsStepped], [2]);
    assert.equal(r.state.history.length, 2);
    assert.deepEqual(r.state.history[0], first.meta.history[0]);
    await r.trainer.release();
    // Weights, BN statistics and AdamW state were all restored: the same as an uninterrupted run, bit for bit.
    const whole = await tmp();
    try {
      await (await train(data, config, whole)).trainer.release();
      const [resumed, straight] = [
        await loadCheckpoint<RunState>(join(dir, "last.ckpt")),
        await loadCheckpoint<RunState>(join(whole, "last.ckpt")),
      ];
      assert.ok("adamw.m" in straight.tensors);
      assert.deepEqual(resumed.tensors, straight.tensors);
      assert.deepEqual(resumed.meta.history[1].loss, straight.meta.history[1].loss);
    } finally {
      await rm(whole, { recursive: true });
    }
    await assert.rejects(train(data, { ...config, seed: 5 }, dir, { resume: true }), /cannot resume: seed 4/);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("the epoch-choosing score leaves out classes with fewer validation beats than asked", () => {
  // 60 N (all right), 40 S (half right), 2 F (both wrong)
  const y = [...Array(60).fill(0), ...Array(40).fill(1), 2, 2];
  const p = [...Array(60).fill(0), ...Array(20).fill(1), ...Array(20).fill(0), 0, 0];
  const m = evaluatePredictions(y, p, ["N", "S", "F"]);
  const [fN, fS] = [m.perClass[0].f1, m.perClass[1].f1];
  assert.equal(choiceScore(m, 0), m.macroF1);
  assert.ok(Math.abs(choiceScore(m, 30) - (fN + fS) / 2) < 1e-12);
  assert.ok(choiceScore(m, 30) > m.macroF1); // F's F1 of 0 no longer counts
  assert.ok(Math.abs(choiceScore(m, 50) - fN) < 1e-12);
  assert.equal(choiceScore(m, 1000), m.macroF1); // no class that large: macro-F1
});
