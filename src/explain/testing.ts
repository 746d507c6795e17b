// Test helpers: synthetic beats and a small V2 network trained on them for a few steps (seconds).
import { gaussian, mulberry32 } from "../model/engine/rng.js";
import { createTrainer } from "../model/trainer.js";
import type { ExplainModel } from "./explainer.js";

export const TEST_CLASSES = ["N", "L", "R", "A", "V"] as const;
export const TEST_EXTRA = ["preRR/localRR", "postRR/localRR", "preRR/recordRR", "postRR/recordRR"] as const;

/** Class k: a bump at index 90 of width 4 + 3k and sign (-1)^k, plus noise; RR inputs hint the class. */
export function syntheticBeats(
  n: number,
  seed: number,
): { x: Float32Array; extra: Float32Array; y: Int32Array } {
  const rng = mulberry32(seed);
  const x = new Float32Array(n * 256);
  const extra = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 5;
    y[i] = k;
    const width = 4 + 3 * k;
    const amp = (k % 2 === 0 ? 1 : -1) * (0.8 + 0.4 * rng());
    for (let t = 0; t < 256; t++)
      x[i * 256 + t] = amp * Math.exp(-(((t - 90) / width) ** 2)) + 0.1 * gaussian(rng);
    for (let f = 0; f < 4; f++) extra[i * 4 + f] = (k === 3 ? -1 : 0) + 0.5 * gaussian(rng);
  }
  return { x, extra, y };
}

let cached: Promise<ExplainModel> | undefined;

/** V2 with four extra inputs, 40 AdamW steps on synthetic beats: a network with real kinks. */
export function trainedTestModel(): Promise<ExplainModel> {
  cached ??= (async () => {
    const B = 32;
    const data = syntheticBeats(B * 8, 11);
    const t = await createTrainer({ arch: "v2", batchSize: B, extraFeatures: 4, seed: 3, threads: 1 });
    for (let s = 0; s < 40; s++) {
      const b = s % 8;
      await t.step(
        data.x.subarray(b * B * 256, (b + 1) * B * 256),
        data.y.subarray(b * B, (b + 1) * B),
        3e-3,
        data.extra.subarray(b * B * 4, (b + 1) * B * 4),
      );
    }
    const weights = t.getWeights();
    await t.release();
    return { arch: "v2", classes: [...TEST_CLASSES], extraNames: [...TEST_EXTRA], weights };
  })();
  return cached;
}
