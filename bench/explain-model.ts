// A model to explain when no shipped model is at hand: ArrhythmiNet V2 with four RR inputs, trained
// briefly with createTrainer on real mitdb beats (paper scheme, intra split, train part), saved as a
// bundle. Used by bench:explain (and its docs say so) until models/ holds the shipped models.
import { existsSync } from "node:fs";
import { buildBeatDataset, wfdbSource, type BeatDataset } from "../src/beats/index.js";
import { rrColumns } from "../src/explain/record.js";
import { loadBundle, saveBundle, type ModelBundle } from "../src/model/bundle.js";
import { mulberry32 } from "../src/model/engine/rng.js";
import { createTrainer } from "../src/model/trainer.js";

export const DEV_EXTRA = ["preRR/localRR", "postRR/localRR", "preRR/recordRR", "postRR/recordRR"] as const;

/** Train (about a minute on 2 cores) or reuse the development model in `dir`. */
export async function devModel(dir: string, ds: BeatDataset, log = console.error): Promise<ModelBundle> {
  if (existsSync(dir)) return loadBundle(dir);
  const train = ds.parts.train;
  const raw = rrColumns(train.rr, DEV_EXTRA);
  const F = DEV_EXTRA.length;
  const n = train.y.length;
  const mean = DEV_EXTRA.map((_, k) => raw.filter((_, i) => i % F === k).reduce((a, b) => a + b, 0) / n);
  const std = DEV_EXTRA.map((_, k) =>
    Math.sqrt(raw.filter((_, i) => i % F === k).reduce((a, b) => a + (b - mean[k]) ** 2, 0) / n),
  );
  const extra = rrColumns(train.rr, DEV_EXTRA, { mean, std });
  const B = 128;
  const t = await createTrainer({ arch: "v2", batchSize: B, extraFeatures: F, seed: 1, threads: 2 });
  // class-balanced batches: each class drawn equally often
  const byClass = ds.classes.map((_, k) => Array.from(train.y.keys()).filter((i) => train.y[i] === k));
  const rng = mulberry32(7);
  const steps = 600;
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const x = new Float32Array(B * 256);
    const e = new Float32Array(B * F);
    const y = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const pool = byClass[b % byClass.length];
      const i = pool[Math.floor(rng() * pool.length)];
      x.set(train.x.subarray(i * 256, (i + 1) * 256), b * 256);
      e.set(extra.subarray(i * F, (i + 1) * F), b * F);
      y[b] = train.y[i];
    }
    const lr = 3e-3 * Math.min(1, (steps - s) / (steps / 3));
    const loss = await t.step(x, y, lr, e);
    if (s % 100 === 0) log(`dev model: step ${s}/${steps}, loss ${loss.toFixed(3)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  await saveBundle(dir, {
    meta: {
      name: "dev-v2-paper-intra-rr",
      arch: "v2",
      scheme: "paper",
      classes: [...ds.classes],
      fs: 360,
      lead: 0,
      window: { before: 90, after: 166 },
      extraFeatures: [...DEV_EXTRA],
      extraScaling: { mean, std },
      params: t.paramCount,
      training: {
        command: "bench/explain-model.ts devModel (600 class-balanced steps of 128, AdamW lr 3e-3)",
        seed: 1,
        epochs: 0,
        split: "intra",
        steps,
        seconds,
      },
      validation: {},
    },
    onnx: t.exportOnnx(),
    weights: t.getWeights(),
  });
  await t.release();
  return loadBundle(dir);
}

export async function mitdbDataset(dataDir: string): Promise<BeatDataset> {
  return buildBeatDataset({ source: wfdbSource(dataDir), scheme: "paper", split: "intra" });
}
