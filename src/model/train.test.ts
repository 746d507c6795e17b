import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  emptyPart,
  leadTwin,
  mulberry32,
  RR_DIM,
  takeRows,
  twinRecord,
  type BeatDataset,
  type BeatPart,
} from "../beats/index.js";
import { loadBundle } from "./bundle.js";
import { openClassifier } from "./classify.js";
import { loadCheckpoint } from "./checkpoint.js";
import { writeModelDir } from "./model-dir.js";
import {
  TRAIN_DEFAULTS,
  averageWeights,
  choiceScore,
  refreshBatchNorm,
  scorePart,
  someTrainingBatches,
  train,
  trainingBatches,
  trainingSecondTemplates,
  type RunState,
  type TrainConfig,
} from "./train.js";
import { evaluatePredictions } from "./metrics.js";
import { NO_AUGMENT } from "./augment.js";
import { SECOND_TEMPLATE } from "./second-template.js";
import { beat } from "./second-template-fixture.js";

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
  window: { before: 90, after: 166 },
  windowLength: 256,
  rrFeatures: [],
  parts: { train: part(160, 1, "a"), val: part(40, 2, "b"), test: part(40, 3, "c") },
  records: ["a", "b", "c"],
  valRecords: [],
  templates: new Map(),
  dropped: { edge: 0, invalid: 0 },
  lead: "MLII",
  leadFallbacks: [],
};
const config: TrainConfig = { ...TRAIN_DEFAULTS, arch: "v2", epochs: 2, batchSize: 32, threads: 1, seed: 4 };
const tmp = () => mkdtemp(join(tmpdir(), "av-train-"));
/** train() options that stop the run right after epoch n has been checkpointed. */
const interruptAfter = (n: number) => ({
  events: {
    onEpoch: (log: { epoch: number }) => {
      if (log.epoch === n) throw new Error("interrupted");
    },
  },
});

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
      ca.meta.history.every((h) => Number.isFinite(h.loss) && h.valAccuracy! >= 0 && h.valAccuracy! <= 1),
    );
    const best = await loadCheckpoint<RunState>(join(d1, "best.ckpt"));
    const bestLog = ca.meta.history[best.meta.epoch - 1];
    assert.ok(ca.meta.history.every((h) => h.valMacroF1! <= bestLog.valMacroF1!));
    const out = join(d1, "model");
    const fin = await writeModelDir(out, d1, a.trainer, data, a.state, "test");
    assert.equal(fin.meta.training.chosenEpoch, best.meta.epoch);
    assert.equal(fin.meta.validation.macroF1, bestLog.valMacroF1);
    const bundle = await loadBundle(out);
    assert.deepEqual(bundle.meta.classes, data.classes);
    assert.equal(bundle.meta.lead, "MLII", "model.json names the lead the dataset read");
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
    await assert.rejects(train(data, config, dir, interruptAfter(1)), /interrupted/);
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

test("without a validation part: refused unless lastEpoch; with it the model is the last epoch's", async () => {
  const noVal: BeatDataset = { ...data, parts: { ...data.parts, val: emptyPart(256, 0) } };
  const dir = await tmp();
  try {
    await assert.rejects(train(noVal, config, dir), /no validation part/);
    const r = await train(noVal, { ...config, lastEpoch: true }, dir);
    assert.equal(r.state.best?.epoch, 2);
    assert.ok(r.state.history.every((h) => h.valAccuracy === null && h.valMacroF1 === null));
    const [best, last] = [
      await loadCheckpoint(join(dir, "best.ckpt")),
      await loadCheckpoint(join(dir, "last.ckpt")),
    ];
    for (const [name, t] of Object.entries(best.tensors)) assert.deepEqual(t, last.tensors[name]);
    const fin = await writeModelDir(join(dir, "model"), dir, r.trainer, noVal, r.state, "test");
    assert.equal(fin.val, null);
    assert.equal(fin.meta.training.chosenEpoch, 2);
    assert.ok(fin.test !== null && fin.test.accuracy > 0.2); // separable classes, 2 epochs: above chance
    await r.trainer.release();
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("another window: the net reads its length, model.json records it, the classifier reads it; a mismatch is refused", async () => {
  // The same beats cut 64 samples shorter at the end: [R-90, R+102).
  const cut = (p: BeatPart): BeatPart => {
    const x = new Float32Array(p.y.length * 192);
    for (let i = 0; i < p.y.length; i++) x.set(p.x.subarray(i * 256, i * 256 + 192), i * 192);
    return { ...p, x };
  };
  const window = { before: 90, after: 102 };
  const short: BeatDataset = {
    ...data,
    window,
    windowLength: 192,
    parts: { train: cut(data.parts.train), val: cut(data.parts.val), test: cut(data.parts.test) },
  };
  const dir = await tmp();
  try {
    await assert.rejects(
      train(short, config, dir),
      /window \[R-90, R\+166\) is not the dataset's \[R-90, R\+102\)/,
    );
    const r = await train(short, { ...config, window, augment: { ...config.augment, warp: 0.1 } }, dir);
    const fin = await writeModelDir(join(dir, "model"), dir, r.trainer, short, r.state, "test");
    assert.deepEqual(fin.meta.window, window);
    assert.ok(fin.test !== null && fin.test.accuracy > 0.2); // separable classes, 2 epochs: above chance
    const c = await openClassifier(join(dir, "model"), { threads: 1 });
    const probs = await c.predict(short.parts.test.x.subarray(0, 2 * 192), new Float32Array(0));
    assert.equal(probs.length, 2 * 5);
    await assert.rejects(c.predict(short.parts.test.x.subarray(0, 2 * 256), new Float32Array(0)));
    await Promise.all([r.trainer.release(), c.release()]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("refreshBatchNorm: weights kept, running statistics = the mean of the batches' statistics", async () => {
  const dir = await tmp();
  try {
    const r = await train(data, config, dir);
    const before = r.trainer.getWeights();
    const batches = [...someTrainingBatches(data, config, 3)];
    assert.equal(batches.length, 3);
    await refreshBatchNorm(r.trainer, batches);
    const after = r.trainer.getWeights();
    const stats = Object.keys(before).filter((n) => /running_(mean|var)$/.test(n));
    assert.ok(stats.length > 0);
    for (const n of Object.keys(before)) if (!stats.includes(n)) assert.deepEqual(after[n], before[n]);
    // The stem's first BN sees the stem conv's output: its mean is the batch mean of that output, so the
    // refreshed running mean must differ from the trained EMA and be finite.
    const rm0 = stats.find((n) => n.endsWith("running_mean"))!;
    assert.ok(after[rm0].every(Number.isFinite));
    assert.notDeepEqual(after[rm0], before[rm0]);
    // Refreshing twice from the same batches gives the same statistics (a mean, not a running blend).
    const once = after;
    await refreshBatchNorm(r.trainer, batches);
    const twice = r.trainer.getWeights();
    for (const n of stats)
      for (let i = 0; i < once[n].length; i++) assert.ok(Math.abs(once[n][i] - twice[n][i]) < 1e-4);
    await r.trainer.release();
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("averageWeights: element-wise mean; mismatched sets refused", () => {
  const a = { w: Float32Array.of(1, 2), b: Float32Array.of(0) };
  const b = { w: Float32Array.of(3, 6), b: Float32Array.of(1) };
  assert.deepEqual(averageWeights([a, b]), { w: Float32Array.of(2, 4), b: Float32Array.of(0.5) });
  assert.throws(() => averageWeights([a, { w: Float32Array.of(1), b: Float32Array.of(0) }]), /w differs/);
  assert.throws(() => averageWeights([]), /no weights/);
});

test("averageFrom: the model is the mean of the kept epochs' weights, BN re-estimated; resumable", async () => {
  const dir = await tmp();
  const avg = { ...config, epochs: 3, averageFrom: 2 };
  try {
    await assert.rejects(
      train(data, { ...avg, averageFrom: 4 }, dir),
      /averageFrom must be an epoch in 1..3/,
    );
    // Interrupted after the last epoch's checkpoint, before the averaging: --resume only averages.
    await assert.rejects(train(data, avg, dir, interruptAfter(3)), /interrupted/);
    const r = await train(data, avg, dir, { resume: true });
    assert.deepEqual(r.state.averaged && [r.state.averaged.from, r.state.averaged.to], [2, 3]);
    const [e2, e3, av] = await Promise.all(
      ["epoch-2.ckpt", "epoch-3.ckpt", "average.ckpt"].map((f) => loadCheckpoint(join(dir, f))),
    );
    const mean = averageWeights([e2.tensors, e3.tensors]);
    for (const [name, t] of Object.entries(av.tensors))
      if (!/running_/.test(name)) assert.deepEqual(t, mean[name], name);
    const fin = await writeModelDir(join(dir, "model"), dir, r.trainer, data, r.state, "test");
    assert.deepEqual(fin.meta.training.averagedEpochs, [2, 3]);
    assert.deepEqual((await loadBundle(join(dir, "model"))).weights, av.tensors);
    assert.equal(fin.meta.validation.macroF1, r.state.averaged?.valMacroF1);
    await r.trainer.release();
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("distillation: alpha 0 trains exactly as without teachers; alpha 1 learns the teacher's classes, not the labels", async () => {
  const dir = await tmp();
  const sub = async (name: string) => (await mkdir(join(dir, name)), join(dir, name));
  try {
    // the teacher learned a permutation of the labels (class k called k + 1 mod 5)
    const permute = (p: BeatPart): BeatPart => ({ ...p, y: p.y.map((k) => (k + 1) % 5) });
    const shifted: BeatDataset = {
      ...data,
      parts: {
        train: permute(data.parts.train),
        val: permute(data.parts.val),
        test: permute(data.parts.test),
      },
    };
    const long = { ...config, epochs: 10, maxLr: 0.01, lastEpoch: true };
    const t = await train(shifted, long, await sub("teacher-run"));
    const teacher = join(dir, "teacher");
    const tm = await writeModelDir(teacher, join(dir, "teacher-run"), t.trainer, shifted, t.state, "test");
    await t.trainer.release();
    assert.ok(tm.val!.accuracy > 0.9, `teacher val accuracy ${tm.val!.accuracy}`);

    const plain = await train(data, config, await sub("plain"));
    const zero = await train(
      data,
      { ...config, distill: { teachers: [teacher], alpha: 0 } },
      await sub("zero"),
    );
    assert.deepEqual(zero.trainer.getWeights(), plain.trainer.getWeights());
    await Promise.all([plain.trainer.release(), zero.trainer.release()]);

    const student = await train(
      data,
      { ...long, distill: { teachers: [teacher], alpha: 1 } },
      await sub("s"),
    );
    const onTrue = await scorePart(student.trainer, data, "val", long);
    const onTeacher = await scorePart(student.trainer, shifted, "val", long);
    await student.trainer.release();
    assert.ok(onTeacher!.accuracy > 0.9, `student agrees with the teacher on ${onTeacher!.accuracy}`);
    assert.ok(onTrue!.accuracy < 0.3, `student follows the true labels on ${onTrue!.accuracy}`);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("--fusion-synth: the training batches' F rows become N/V blends of a source record; other rows stay", () => {
  // aami classes; record "a" lends (its N and V beats), record "b" holds the F beats
  const a = part(200, 5, "a");
  const b = part(40, 6, "b");
  b.y.fill(3);
  const train = emptyPart(256, 240);
  for (const [p, at] of [
    [a, 0],
    [b, 200],
  ] as const) {
    train.x.set(p.x, at * 256);
    // a: its even classes become N (0), its odd ones V (2); b: all F (3)
    train.y.set(p === b ? p.y : p.y.map((y) => (y % 2 === 0 ? 0 : 2)), at);
    train.rr.set(p.rr, at * RR_DIM);
    p.record.forEach((r, i) => (train.record[at + i] = r));
  }
  const aami: BeatDataset = { ...data, scheme: "aami", split: "inter", classes: ["N", "S", "V", "F", "Q"] };
  const withTrain = { ...aami, parts: { ...aami.parts, train } };
  const cfg = { ...config, balance: "none" as const, augment: { ...NO_AUGMENT, fusionSynth: 1 } };
  const tb = trainingBatches(withTrain, cfg);
  const idx = tb.order(1);
  const batch = tb.batch(idx, 0, mulberry32(9));
  const again = tb.batch(idx, 0, mulberry32(9));
  assert.deepEqual(batch.x, again.x, "same seed, same batch");
  let fusion = 0;
  for (let k = 0; k < cfg.batchSize; k++) {
    const row = idx[k];
    const w = batch.x.subarray(k * 256, (k + 1) * 256);
    const own = train.x.subarray(row * 256, (row + 1) * 256);
    if (train.y[row] !== 3) assert.deepEqual(w, own, `row ${row} (class ${train.y[row]}) unchanged`);
    else {
      fusion++;
      assert.notDeepEqual(w, own, `F row ${row} replaced`);
      // z-normalised
      const m = w.reduce((s, v) => s + v, 0) / 256;
      assert.ok(Math.abs(m) < 1e-4);
    }
  }
  assert.ok(fusion > 0, "the batch holds F rows");
  const none = trainingBatches(withTrain, { ...cfg, augment: NO_AUGMENT }).batch(idx, 0, mulberry32(9));
  for (let k = 0; k < cfg.batchSize; k++)
    if (train.y[idx[k]] !== 3)
      assert.deepEqual(batch.x.subarray(k * 256, (k + 1) * 256), none.x.subarray(k * 256, (k + 1) * 256));
  assert.throws(() => trainingBatches(data, cfg), /--fusion-synth: no F class in N L R A V/);
});

test("--other-lead: drawn rows become their twin at the other lead (with its template) at rate p; p absent: the same draw", () => {
  const train = data.parts.train;
  const other = part(160, 7, "a"); // the same beats (labels, samples) at another lead: other waveforms
  other.y.set(train.y);
  const lost = 5; // a beat the other lead dropped: never swapped
  const otherData: BeatDataset = {
    ...data,
    parts: {
      ...data.parts,
      train: takeRows(
        other,
        [...other.y.keys()].filter((i) => i !== lost),
        256,
      ),
    },
    templates: new Map([["a", new Float32Array(256).fill(0.5)]]),
  };
  const tw = leadTwin(train, otherData);
  assert.equal(tw.twin[lost], -1);
  assert.equal(tw.part.y.length, 159);
  assert.deepEqual(tw.part.record[0], twinRecord("a"));
  const withTwin = { ...data, templates: new Map([["a", new Float32Array(256)]]), leadTwin: tw };
  const plain = { ...config, morph: "residual" as const };
  const cfg = { ...plain, augment: { ...NO_AUGMENT, otherLead: 0.5 } };
  const base = trainingBatches(withTwin, plain).order(1);
  const idx = trainingBatches(withTwin, cfg).order(1);
  assert.deepEqual(trainingBatches(withTwin, cfg).order(1), idx, "seeded");
  assert.equal(idx.length, base.length);
  const n = train.y.length;
  const swapped = [...idx].filter((i) => i >= n).length;
  assert.ok(
    swapped > 0.35 * idx.length && swapped < 0.65 * idx.length,
    `${swapped} of ${idx.length} swapped`,
  );
  // the same draw but for the swaps: mapping the twin rows back gives the plain order
  const back = Int32Array.from(idx, (i) => (i < n ? i : tw.twin.indexOf(i - n)));
  assert.deepEqual(back, base);
  base.forEach((i, k) => {
    if (i === lost) assert.equal(idx[k], lost, "a beat the other lead dropped stays at its own lead");
  });
  const batch = trainingBatches(withTwin, cfg).batch(idx, 0, mulberry32(3));
  for (let k = 0; k < cfg.batchSize; k++) {
    const i = idx[k];
    const [x, t] = i < n ? [train.x, 0] : [tw.part.x, 0.5];
    const j = i < n ? i : i - n;
    for (let s = 0; s < 256; s += 51) assert.ok(Math.abs(batch.x[k * 256 + s] - (x[j * 256 + s] - t)) < 1e-6);
  }
  assert.throws(() => trainingBatches(data, cfg), /--other-lead: the dataset has no lead twin/);
});

test("--second-template-in-training: a record's second N shape (from the labels) is its beats' template in the batches", () => {
  // record "a": 60 N beats of one shape, 40 N of an inverted one, 20 V; rule: >= max(20, 10 %) unlike beats
  const shapes: [number, number][] = [
    ...Array.from({ length: 60 }, () => [4, 1] as [number, number]),
    ...Array.from({ length: 40 }, () => [4, -1] as [number, number]),
    ...Array.from({ length: 20 }, () => [12, 1] as [number, number]),
  ];
  const train = emptyPart(256, shapes.length);
  shapes.forEach(([w, s], i) => {
    train.x.set(beat(w, s), i * 256);
    train.y[i] = i < 100 ? 0 : 4;
    train.record[i] = "a";
  });
  const st = trainingSecondTemplates(train, 256, 90, SECOND_TEMPLATE);
  assert.deepEqual([...st.templates.keys()], ["a~second"]);
  assert.deepEqual(
    [...st.moved.keys()].filter((i) => st.moved[i]),
    Array.from({ length: 40 }, (_, k) => 60 + k),
    "the inverted beats move, the first shape and the V beats stay",
  );
  const second = st.templates.get("a~second")!;
  assert.ok(Math.abs(second[90] - beat(4, -1)[90]) < 1e-5, "the template is the inverted beats' median");
  const mine: BeatDataset = {
    ...data,
    parts: { ...data.parts, train },
    templates: new Map([["a", new Float32Array(256)]]),
  };
  const cfg = { ...config, balance: "none" as const, batchSize: 120, morph: "residual" as const };
  for (const on of [false, true]) {
    const tb = trainingBatches(mine, { ...cfg, ...(on ? { secondTemplateInTraining: true } : {}) });
    const idx = tb.order(1);
    const b = tb.batch(idx, 0, mulberry32(1));
    for (let k = 0; k < 120; k++) {
      const t = on && st.moved[idx[k]] ? second[90] : 0;
      assert.ok(
        Math.abs(b.x[k * 256 + 90] - (train.x[idx[k] * 256 + 90] - t)) < 1e-5,
        `row ${idx[k]}, ${on}`,
      );
    }
  }
});
