// A tiny model trained in the test itself (a few steps on beats of samples/100) and saved as a bundle:
// tests of classify / evaluate / analyze run on a real model without hard-coding any result.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  RR_DIM,
  SCHEMES,
  extractRecordBeats,
  labelOf,
  medianTemplate,
  morphChannels,
  morphInput,
  windowLength,
  wfdbSource,
  DEFAULT_WINDOW,
  type MorphInput,
} from "../src/beats/index.js";
import { saveBundle, selectExtra, type ModelMeta } from "../src/model/index.js";
import { createTrainer } from "../src/model/trainer.js";

export interface TinyModelOptions {
  /** RR features the model takes (default: two local ratios). */
  extraFeatures?: string[];
  name?: string;
  steps?: number;
  /** "residual": trained on each beat minus record 100's template; "pair": on [beat, beat - template] (two
   * input channels); saved so (default "none"). */
  morph?: MorphInput;
  /** Learning rate of every step (default 3e-3). */
  lr?: number;
  /** Rare (S, V) beats repeated to as many as the N beats (default false). */
  balanced?: boolean;
  /** model.json's lead (default 0, a signal number as old model.json files have it); trained on MLII either way. */
  lead?: string | number;
}

/** Trains V2 for a few steps on up to 512 beats of samples/100 (AAMI classes) and saves it; returns its dir. */
export async function trainTinyModel(o: TinyModelOptions = {}): Promise<{ dir: string; meta: ModelMeta }> {
  const extraFeatures = o.extraFeatures ?? ["preRR/localRR", "postRR/localRR"];
  const scheme = SCHEMES.aami;
  const settings = { lead: 0, window: DEFAULT_WINDOW, fs: 360 };
  const t = await extractRecordBeats(wfdbSource("samples"), "100", settings);
  const len = windowLength(DEFAULT_WINDOW);
  // Every S and V beat of the record plus N beats, up to B x steps beats in all.
  const B = 64;
  const steps = o.steps ?? 4;
  const labels = t.symbol.map((s) => labelOf(scheme, s));
  const rare = labels.flatMap((y, i) => (y > 0 ? [i] : []));
  const normal = labels.flatMap((y, i) => (y === 0 ? [i] : []));
  // balanced: the rare beats repeated to half of the beats (a net whose output depends on the waveform).
  const repeat = o.balanced ? Math.ceil(normal.length / Math.max(1, rare.length)) : 1;
  const pick = [...Array.from({ length: repeat }, () => rare).flat(), ...normal].slice(0, B * steps);
  const windows = new Float32Array(pick.length * len);
  const y = new Int32Array(pick.length);
  const rr = new Float32Array(pick.length * RR_DIM);
  pick.forEach((i, k) => {
    windows.set(t.x.subarray(i * len, (i + 1) * len), k * len);
    rr.set(t.rr.subarray(i * RR_DIM, (i + 1) * RR_DIM), k * RR_DIM);
    y[k] = labels[i];
  });
  const template = medianTemplate(t.x, len);
  const morph = o.morph ?? "none";
  const x = morphInput(windows, len, () => template, morph);
  const size = morphChannels(morph) * len;
  const spec = { fs: 360, window: DEFAULT_WINDOW, extraFeatures };
  const extra = selectExtra(rr, spec);
  const nx = extraFeatures.length;
  const trainer = await createTrainer({
    arch: "v2",
    numClasses: 5,
    extraFeatures: nx,
    seed: 1,
    threads: 1,
    batchSize: B,
    inputChannels: morphChannels(morph),
  });
  for (let s = 0; s < steps; s++) {
    // Interleave so each batch sees rare and normal beats.
    const idx = Int32Array.from({ length: B }, (_, j) => (j * steps + s) % pick.length);
    const bx = new Float32Array(B * size);
    const by = new Int32Array(B);
    const be = extra ? new Float32Array(B * nx) : undefined;
    idx.forEach((i, j) => {
      bx.set(x.subarray(i * size, (i + 1) * size), j * size);
      by[j] = y[i];
      if (be && extra) be.set(extra.subarray(i * nx, (i + 1) * nx), j * nx);
    });
    await trainer.step(bx, by, o.lr ?? 3e-3, be);
  }
  const dir = join(mkdtempSync(join(tmpdir(), "av-tiny-model-")), o.name ?? "tiny");
  const meta = await saveBundle(dir, {
    meta: {
      name: o.name ?? "tiny",
      arch: "v2",
      scheme: "aami",
      classes: [...scheme.classes],
      fs: 360,
      lead: o.lead ?? 0,
      window: { ...DEFAULT_WINDOW },
      extraFeatures,
      morph: o.morph,
      params: trainer.paramCount,
      training: { command: "test/tiny-model.ts", seed: 1, epochs: 0, split: "inter", steps },
      validation: {},
    },
    onnx: trainer.exportOnnx(),
    weights: trainer.getWeights(),
  });
  await trainer.release();
  return { dir, meta };
}
