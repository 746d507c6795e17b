import type { Command } from "commander";
import {
  analyzeRecord,
  delayStats,
  formatSummary,
  streamRecord,
  type Analysis,
} from "../../analyze/index.js";
import { addCausalSettings, parseCausal, type CausalCliOptions } from "../causal-options.js";
import { UserError } from "../errors.js";
import { NO_MORPH_SMOOTHING, NO_QRS_VETO, NO_RHYTHM_GUARD, withRecordModel } from "../record-model.js";
import { action, printJson } from "../run.js";

interface AnalyzeCliOptions extends CausalCliOptions {
  model?: string;
  beats: string;
  stream?: boolean;
  json?: boolean;
  rhythmGuard: boolean;
  morphSmoothing: boolean;
  qrsVeto: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command("analyze <record>")
    .description(
      "whole-record analysis: detect the beats, classify them, summarise (beats per class, heart rate, ectopic burden)",
    )
    .option("--model <dir>", "model directory (default: models/v1-aami-inter, the inter-patient AAMI model)")
    .option(...NO_RHYTHM_GUARD)
    .option(...NO_MORPH_SMOOTHING)
    .option(...NO_QRS_VETO)
    .option("--beats <from>", "beat positions: detect (default), atr or qrs", "detect")
    .option(
      "--stream",
      "feed the record through the streaming analyzer, 0.1 s at a time, and report each label's delay " +
        "(exact mode: the same labels as without --stream; a pair or recordRR model labels at the end)",
    )
    .option(
      "--causal",
      "with --stream (implied): label each beat as soon as it and 5 more beats are known, with the running " +
        "mean RR and median beat of the beats so far instead of the whole record's (real-time; a small " +
        "accuracy cost, see docs/RESULTS.md)",
    )
    .option(
      "--json",
      'print one line {"record", "fs", "model", "summary": {...}, "beats": [{"sample", "label", "probs"}]} ' +
        '(with --stream also "causal" and "delay": median, p95, max in beats and seconds)',
    );
  addCausalSettings(cmd).action(
    action(async (arg: string, opts: AnalyzeCliOptions) => {
      const causal = parseCausal(opts);
      await withRecordModel(arg, opts, program.opts().dataDir, async ({ from, path, classifier, lead }) => {
        const s =
          opts.stream || causal ? await streamRecord(path, classifier, { beats: from, causal }) : undefined;
        const a: Analysis = s ?? (await analyzeRecord(path, classifier, { beats: from }));
        if (a.beats.length === 0) throw new UserError(`${arg}: no beats found (${from})`);
        const delay = s ? delayStats(s.delays) : undefined;
        if (opts.json)
          return printJson({
            record: arg,
            fs: a.fs,
            model: classifier.meta.name,
            beatsFrom: from,
            lead,
            invalidSamples: a.invalidSamples,
            ...(delay ? { causal: causal ?? false, delay } : {}),
            summary: a.summary,
            beats: a.beats,
          });
        process.stdout.write(formatSummary(arg, classifier.meta.name, a.summary) + "\n");
        if (a.invalidSamples > 0)
          process.stdout.write(`  ${a.invalidSamples} invalid samples replaced by the last valid one\n`);
        if (delay) process.stdout.write(delayLine(Boolean(causal), delay) + "\n");
      });
    }),
  );
}

function delayLine(causal: boolean, d: ReturnType<typeof delayStats>): string {
  const b = d.beats;
  const s = d.seconds;
  return (
    `  ${causal ? "causal" : "exact"} streaming: each label came ${b.median} beats / ${s.median.toFixed(1)} s ` +
    `after its beat (median; 95 %: ${b.p95} / ${s.p95.toFixed(1)} s, max ${b.max} / ${s.max.toFixed(1)} s)`
  );
}
