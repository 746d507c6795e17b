// What a finished training run leaves: the best epoch's weights as a model bundle (bundle.ts: model.onnx,
// weights, model.json) in the output directory, and confusion-matrix charts of validation and test in the
// run directory beside its checkpoints.
import { basename, join } from "node:path";
import { RR_FEATURES, type BeatDataset } from "../beats/index.js";
import { saveBundle, type ModelMeta } from "./bundle.js";
import { loadCheckpoint } from "./checkpoint.js";
import { writeConfusionChart } from "./confusion-chart.js";
import type { Metrics } from "./metrics.js";
import type { Trainer } from "./trainer.js";
import { inputColumns, scorePart, type RunState } from "./train.js";

export interface FinishedModel {
  meta: ModelMeta;
  /** null: no validation part (a fixed schedule, the last epoch) */
  val: Metrics | null;
  /** Reported only: the test part chose nothing (the checkpoint was chosen on validation). */
  test: Metrics | null;
}

/** Loads runDir/best.ckpt (average.ckpt after weight averaging) into `trainer`, scores val and test, and saves the bundle to `outDir`. */
export async function writeModelDir(
  outDir: string,
  runDir: string,
  trainer: Trainer,
  data: BeatDataset,
  state: RunState,
  command = "",
): Promise<FinishedModel> {
  const best = await loadCheckpoint<RunState>(join(runDir, state.averaged ? "average.ckpt" : "best.ckpt"));
  trainer.setWeights(best.tensors);
  const rrCols = inputColumns(state.config);
  const score = async (p: "val" | "test") => {
    const m = await scorePart(trainer, data, p, state.config);
    const title = `${state.config.arch} ${data.scheme}/${data.split} ${p} (epoch ${best.meta.epoch})`;
    if (m) await writeConfusionChart(join(runDir, `${p}-confusion`), m.confusion, data.classes, { title });
    return m;
  };
  const val = await score("val");
  const test = await score("test");
  const meta = await saveBundle(outDir, {
    onnx: trainer.exportOnnx(),
    weights: best.tensors,
    meta: {
      name: basename(outDir),
      arch: state.config.arch,
      scheme: data.scheme,
      classes: [...data.classes],
      fs: 360,
      lead: data.lead,
      window: data.window,
      extraFeatures: rrCols.map((c) => RR_FEATURES[c]),
      morph: state.config.morph,
      ...(state.config.testTimeShifts ? { testTimeShifts: state.config.testTimeShifts } : {}),
      ...(state.config.rhythmGuard ? { rhythmGuard: state.config.rhythmGuard } : {}),
      ...(state.config.morphSmoothing ? { morphSmoothing: state.config.morphSmoothing } : {}),
      ...(state.config.qrsVeto ? { qrsVeto: state.config.qrsVeto } : {}),
      ...(state.config.secondTemplate ? { secondTemplate: state.config.secondTemplate } : {}),
      params: trainer.paramCount,
      training: {
        command,
        seed: state.config.seed,
        epochs: state.epoch,
        split: data.split,
        chosenEpoch: best.meta.epoch,
        ...(state.averaged ? { averagedEpochs: [state.averaged.from, state.averaged.to] } : {}),
        config: state.config,
        history: state.history,
        valRecords: data.valRecords,
        ...(test
          ? { test: { accuracy: test.accuracy, macroF1: test.macroF1, confusion: test.confusion } }
          : {}),
      },
      validation: val ? { accuracy: val.accuracy, macroF1: val.macroF1, perClass: val.perClass } : {},
    },
  });
  return { meta, val, test };
}
