import type { Command } from "commander";
import { analyzeRecord, formatSummary } from "../../analyze/index.js";
import { UserError } from "../errors.js";
import { withRecordModel } from "../record-model.js";
import { action, printJson } from "../run.js";

interface AnalyzeCliOptions {
  model?: string;
  beats: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("analyze <record>")
    .description(
      "whole-record analysis: detect the beats, classify them, summarise (beats per class, heart rate, ectopic burden)",
    )
    .option("--model <dir>", "model directory (default: models/v1-aami-inter, the inter-patient AAMI model)")
    .option("--beats <from>", "beat positions: detect (default), atr or qrs", "detect")
    .option(
      "--json",
      'print one line {"record", "fs", "model", "summary": {...}, "beats": [{"sample", "label", "probs"}]}',
    )
    .action(
      action(async (arg: string, opts: AnalyzeCliOptions) => {
        await withRecordModel(arg, opts, program.opts().dataDir, async ({ from, path, classifier }) => {
          const a = await analyzeRecord(path, classifier, { beats: from });
          if (a.beats.length === 0) throw new UserError(`${arg}: no beats found (${from})`);
          if (opts.json)
            return printJson({
              record: arg,
              fs: a.fs,
              model: classifier.meta.name,
              beatsFrom: from,
              invalidSamples: a.invalidSamples,
              summary: a.summary,
              beats: a.beats,
            });
          process.stdout.write(formatSummary(arg, classifier.meta.name, a.summary) + "\n");
          if (a.invalidSamples > 0)
            process.stdout.write(`  ${a.invalidSamples} invalid samples replaced by the last valid one\n`);
        });
      }),
    );
}
