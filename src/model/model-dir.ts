// What a finished training run leaves in its output directory: the best epoch's weights as model.onnx, a
// model.json card (inputs, classes, footprint, validation and test metrics) and confusion-matrix charts.
import { join } from "node:path";
import { DEFAULT_WINDOW, RR_FEATURES, type BeatDataset } from "../beats/index.js";
import { writeFileAtomic } from "../wfdb/index.js";
import { RR_INPUT_COLUMNS, predictPart } from "./batches.js";
import { loadCheckpoint } from "./checkpoint.js";
import { writeConfusionChart } from "./confusion-chart.js";
import { evaluatePredictions, type Metrics } from "./metrics.js";
import type { Trainer } from "./trainer.js";
import type { RunState } from "./train.js";

export interface ModelCard {
  format: "arrhythmia-vision-model";
  version: 1;
  arch: string;
  scheme: string;
  split: string;
  classes: readonly string[];
  /** Window in samples at `fs`, R peak at index `before`, lead `lead`, z-normalised per beat. */
  input: { lead: number; fs: number; before: number; after: number; rr: string[] };
  onnx: string;
  params: number;
  footprintKB: number;
  epochs: number;
  chosenEpoch: number;
  config: RunState["config"];
  history: RunState["history"];
  val: Metrics;
  test: Metrics;
  createdAt: string;
  data: string;
}

/** Loads best.ckpt into `trainer`, exports it and writes the model card and charts; returns the card. */
export async function writeModelDir(
  outDir: string,
  trainer: Trainer,
  data: BeatDataset,
  state: RunState,
): Promise<ModelCard> {
  const best = await loadCheckpoint<RunState>(join(outDir, "best.ckpt"));
  trainer.setWeights(best.tensors);
  await writeFileAtomic(join(outDir, "model.onnx"), trainer.exportOnnx());
  const rrCols = state.config.rr ? RR_INPUT_COLUMNS : [];
  const score = async (p: "val" | "test") => {
    const part = data.parts[p];
    const pred = await predictPart(
      (x, e) => trainer.predict(x, e),
      part,
      data.windowLength,
      data.classes.length,
      rrCols,
    );
    const m = evaluatePredictions(part.y, pred, data.classes);
    const title = `${state.config.arch} ${data.scheme}/${data.split} ${p} (epoch ${best.meta.epoch})`;
    await writeConfusionChart(join(outDir, `${p}-confusion`), m.confusion, data.classes, { title });
    return m;
  };
  const card: ModelCard = {
    format: "arrhythmia-vision-model",
    version: 1,
    arch: state.config.arch,
    scheme: data.scheme,
    split: data.split,
    classes: data.classes,
    input: { lead: 0, fs: 360, ...DEFAULT_WINDOW, rr: rrCols.map((c) => RR_FEATURES[c]) },
    onnx: "model.onnx",
    params: trainer.paramCount,
    footprintKB: Number(((trainer.paramCount * 4) / 1024).toFixed(2)),
    epochs: state.epoch,
    chosenEpoch: best.meta.epoch,
    config: state.config,
    history: state.history,
    val: await score("val"),
    test: await score("test"),
    createdAt: new Date().toISOString(),
    data: "MIT-BIH Arrhythmia Database (PhysioNet, ODC-By 1.0)",
  };
  await writeFileAtomic(join(outDir, "model.json"), JSON.stringify(card, null, 2) + "\n");
  return card;
}
