// Test helpers: synthetic beats and a small V2 network trained on them for a few steps (seconds).
import { medianTemplate, morphInput } from "../beats/index.js";
import { syntheticBeats } from "../model/synthetic-beats.js";
import { createTrainer } from "../model/trainer.js";
import { createExplainer, type ExplainModel, type Explainer } from "./explainer.js";

export { syntheticBeats };

export const TEST_CLASSES = ["N", "L", "R", "A", "V"] as const;
export const TEST_EXTRA = ["preRR/localRR", "postRR/localRR", "preRR/recordRR", "postRR/recordRR"] as const;

let cached: Promise<ExplainModel> | undefined;
let cachedPair: Promise<ExplainModel & { template: Float32Array }> | undefined;

/** V2 with four extra inputs, 40 AdamW steps on synthetic beats: a network with real kinks. */
export function trainedTestModel(): Promise<ExplainModel> {
  cached ??= train(false);
  return cached;
}

/**
 * The same training with morph "pair": the net reads [beat, beat - template] (two channels), the template
 * the median of the training beats (returned; ExplainModel with pair set and input [2, 256]).
 */
export function trainedPairModel(): Promise<ExplainModel & { template: Float32Array }> {
  cachedPair ??= (async () => {
    const template = medianTemplate(syntheticBeats(8 * 32, 11).x, 256);
    return { ...(await train(true)), template, input: [2, 256] as const, pair: true };
  })();
  return cachedPair;
}

/**
 * The pair tests' beats: 6 synthetic beats (seed 99) and their classes, from two records (beats 0-2 and
 * 3-5), each with its own template T[k] (beats 1 and 4 of other synthetic beats, of other classes).
 */
export function pairTestBeats(L = 256) {
  const beats = syntheticBeats(6, 99);
  const other = syntheticBeats(10, 5);
  const T = [other.x.slice(1 * L, 2 * L), other.x.slice(4 * L, 5 * L)];
  const template = Array.from({ length: 6 }, (_, r) => T[r < 3 ? 0 : 1]);
  return { beats, cls: Int32Array.from(beats.y), T, template };
}

/** The trained pair model explained on the beat (`pair`), and the same net on its own two-channel rows (`net`). */
export async function pairExplainers(): Promise<{ pair: Explainer; net: Explainer }> {
  const m = await trainedPairModel();
  return { pair: await createExplainer(m), net: await createExplainer({ ...m, pair: false }) };
}

async function train(pair: boolean): Promise<ExplainModel> {
  const B = 32;
  const data = syntheticBeats(B * 8, 11);
  const C = pair ? 2 : 1;
  const template = medianTemplate(data.x, 256);
  const x = morphInput(data.x, 256, () => template, pair ? "pair" : "none");
  const t = await createTrainer({
    arch: "v2",
    batchSize: B,
    extraFeatures: 4,
    seed: 3,
    threads: 1,
    inputChannels: C,
  });
  for (let s = 0; s < 40; s++) {
    const b = s % 8;
    await t.step(
      x.subarray(b * B * C * 256, (b + 1) * B * C * 256),
      data.y.subarray(b * B, (b + 1) * B),
      3e-3,
      data.extra.subarray(b * B * 4, (b + 1) * B * 4),
    );
  }
  const weights = t.getWeights();
  await t.release();
  return { arch: "v2", classes: [...TEST_CLASSES], extraNames: [...TEST_EXTRA], weights };
}
