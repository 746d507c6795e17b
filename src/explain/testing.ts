// Test helpers: synthetic beats and a small V2 network trained on them for a few steps (seconds).
import { syntheticBeats } from "../model/synthetic-beats.js";
import { createTrainer } from "../model/trainer.js";
import type { ExplainModel } from "./explainer.js";

export { syntheticBeats };

export const TEST_CLASSES = ["N", "L", "R", "A", "V"] as const;
export const TEST_EXTRA = ["preRR/localRR", "postRR/localRR", "preRR/recordRR", "postRR/recordRR"] as const;

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
