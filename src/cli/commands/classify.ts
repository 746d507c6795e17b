import type { Command } from "commander";
import { analyzeRecord } from "../../analyze/index.js";
import { UserError } from "../errors.js";
import { NO_MORPH_SMOOTHING, NO_QRS_VETO, NO_RHYTHM_GUARD, withRecordModel } from "../record-model.js";
import { action, printJson } from "../run.js";

interface ClassifyCliOptions {
  model?: string;
  beats: string;
  json?: boolean;
  rhythmGuard: boolean;
  morphSmoothing: boolean;
  qrsVeto: boolean;
}

export function register(program: Command): void {
  program
    .command("classify <record>")
    .description(
      "classify every beat of a record (lead of the model, windows and RR features as in training); " +
        "beats whose window leaves the record are padded with the edge sample and flagged edge",
    )
    .option("--model <dir>", "model directory (default: models/v1-aami-inter, the inter-patient AAMI model)")
    .option(...NO_RHYTHM_GUARD)
    .option(...NO_MORPH_SMOOTHING)
    .option(...NO_QRS_VETO)
    .option(
      "--beats <from>",
      "beat positions: atr (beat annotations of <record>.atr), qrs (<record>.qrs) or detect (our QRS detector)",
      "detect",
    )
    .option("--json", 'print one line {"record", "fs", "model", "beats": [{"sample", "label", "probs"}]}')
    .action(
      action(async (arg: string, opts: ClassifyCliOptions) => {
        await withRecordModel(arg, opts, program.opts().dataDir, async ({ from, path, classifier, lead }) => {
          const { beats, invalidSamples, fs } = await analyzeRecord(path, classifier, { beats: from });
          if (beats.length === 0)
            throw new UserError(
              `${arg}: no beats to classify (${from === "detect" ? "the detector found none" : `no beat annotations in .${from}`})`,
            );
          if (opts.json)
            return printJson({
              record: arg,
              fs,
              model: classifier.meta.name,
              beatsFrom: from,
              lead,
              invalidSamples,
              beats,
            });
          const lines = [
            `# ${arg}: ${beats.length} beats (${from}), model ${classifier.meta.name}, fs ${fs} Hz`,
          ];
          lines.push(["sample", "label", ...classifier.meta.classes.map((c) => `p(${c})`)].join("\t"));
          for (const b of beats)
            lines.push(
              [b.sample, b.label, ...classifier.meta.classes.map((c) => b.probs[c].toFixed(4))].join("\t") +
                (b.edge ? "\tedge" : "") +
                (b.smoothedFrom ? `\tsmoothed from ${b.smoothedFrom}` : "") +
                (b.vetoedFrom ? `\tQRS veto: not ${b.vetoedFrom}` : "") +
                (b.secondTemplate ? "\tsecond template" : ""),
            );
          process.stdout.write(lines.join("\n") + "\n");
        });
      }),
    );
}
