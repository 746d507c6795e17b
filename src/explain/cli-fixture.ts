// Test fixture: a model bundle on disk made from the small trained test network (no shipped model needed).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { V2, arrhythmiNet } from "../model/arrhythminet.js";
import { inferenceGraph } from "../model/engine/build.js";
import { saveBundle } from "../model/bundle.js";
import type { MorphInput } from "../beats/index.js";
import { TEST_CLASSES, TEST_EXTRA, trainedPairModel, trainedTestModel } from "./testing.js";

/**
 * The test network as a bundle; with morph "residual" the same weights read beat minus template; with morph
 * "pair" it is the test network trained on [beat, beat - template] (two input channels).
 */
export async function testBundle(o: { morph?: MorphInput } = {}): Promise<string> {
  const pair = o.morph === "pair";
  const m = pair ? await trainedPairModel() : await trainedTestModel();
  const dir = join(mkdtempSync(join(tmpdir(), "av-explain-")), "model");
  const io = { input: [pair ? 2 : 1, 256] as const, extraFeatures: 4, numClasses: 5 };
  const params = Object.entries(m.weights)
    .filter(([k]) => !k.includes("running_"))
    .reduce((s, [, v]) => s + v.length, 0);
  await saveBundle(dir, {
    meta: {
      name: o.morph && o.morph !== "none" ? `test-v2-${o.morph}` : "test-v2",
      arch: "v2",
      scheme: "paper",
      classes: [...TEST_CLASSES],
      fs: 360,
      lead: 0,
      window: { before: 90, after: 166 },
      extraFeatures: [...TEST_EXTRA],
      extraScaling: { mean: [1, 1, 1, 1], std: [0.2, 0.2, 0.2, 0.2] },
      morph: o.morph,
      params,
      training: { command: "test fixture", seed: 3, epochs: 0, split: "intra" },
      validation: {},
    },
    onnx: inferenceGraph(arrhythmiNet(V2, 5), io, m.weights),
    weights: m.weights,
  });
  return dir;
}
