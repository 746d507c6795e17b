import type { Command } from "commander";
import { resolve } from "node:path";
import { defaultModelDir } from "../../analyze/index.js";
import {
  evaluateOnPart,
  loadBundle,
  measureSpeed,
  openClassifier,
  writeConfusionChart,
} from "../../model/index.js";
import { addCausalSettings, parseCausal, type CausalCliOptions } from "../causal-options.js";
import { UserError } from "../errors.js";
import { classTableLines, recordTableLines } from "../report-lines.js";
import { action, printJson } from "../run.js";
import { NO_MORPH_SMOOTHING, NO_QRS_VETO, NO_RHYTHM_GUARD } from "../record-model.js";
import { datasetFromCli } from "./dataset.js";
import { runEvaluateDetect } from "./evaluate-detect.js";

interface EvaluateCliOptions extends CausalCliOptions {
  model?: string;
  scheme?: string;
  split?: string;
  chartOut?: string;
  chart: boolean;
  speed: boolean;
  cache?: boolean;
  cacheDir?: string;
  json?: boolean;
  beats: string;
  records?: string;
  rhythmGuard: boolean;
  morphSmoothing: boolean;
  qrsVeto: boolean;
  perRecord?: boolean;
}

const THREADS = 2;

export function register(program: Command): void {
  const cmd = program
    .command("evaluate")
    .description(
      "evaluate a model on the test part of a split: accuracy, per-class +P/Se/Sp/F1, macro-F1, confusion " +
        "matrix (SVG + PNG chart), size, latency and throughput",
    )
    .option("--model <dir>", "model directory (default: models/v1-aami-inter)")
    .option("--scheme <scheme>", "label scheme paper|aami (default: the model's)")
    .option("--split <split>", "split intra|inter (default: the model's training split)")
    .option(
      "--chart-out <base>",
      "write the confusion chart to <base>.svg and <base>.png (default: in the model directory)",
    )
    .option("--no-chart", "do not write the confusion chart")
    .option("--no-speed", "skip the latency and throughput measurement")
    .option("--cache-dir <dir>", "cache of extracted beats (default: ~/.cache/arrhythmia-vision)")
    .option("--no-cache", "do not read or write the beat cache")
    .option(
      "--beats <from>",
      "atr: the reference beats of the test part (or of the --records); detect: end to end on each DS2 record (inter split only): " +
        "our QRS detector, then the model, detections matched one-to-one to the .atr beats within ±150 ms " +
        "(bxb/EC57); metrics over matched beats plus detection {matched, missed, falseDetections} and " +
        "endToEndAccuracy = correct / (matched + missed); .atr beats outside the scheme are not scored, " +
        "matched or not; whole records, no speed measurement, chart only with --chart-out",
      "atr",
    )
    .option(
      "--causal",
      "with --beats detect: each record fed 0.1 s at a time through the causal streaming analyzer (each beat " +
        "labelled once 5 more beats are known, running mean RR and median beat); adds delay " +
        "{beats, seconds: {median, p95, max}}",
    )
    .option(
      "--records <list>",
      "whole records of the data directory (comma-separated, e.g. the DS1 hold-out 118,124,201,215, or another " +
        "database's) instead of the split's test part, each classified as `classify` does (any rate, the model's " +
        "lead) at the --beats positions and scored against its .atr; with --beats detect: instead of DS2",
    )
    .option(...NO_RHYTHM_GUARD)
    .option(...NO_MORPH_SMOOTHING)
    .option(...NO_QRS_VETO)
    .option(
      "--per-record",
      "also print each record's beats, accuracy and per-class Se / +P, and ANSI/AAMI EC57's gross and record-average " +
        "statistics (the JSON always has them: records, recordAverage)",
    )
    .option("--json", "print one JSON object on stdout");
  addCausalSettings(cmd).action(
    action(async (opts: EvaluateCliOptions) => {
      const dir = opts.model ?? defaultModelDir();
      const bundle = await loadBundle(dir, { weights: false });
      const meta = bundle.meta;
      const scheme = opts.scheme ?? meta.scheme;
      const split = opts.split ?? meta.training.split;
      if (scheme !== meta.scheme)
        throw new UserError(
          `${dir} classifies the ${meta.scheme} classes (${meta.classes.join(" ")}); it cannot be scored on --scheme ${scheme}`,
        );
      if (opts.beats !== "atr" && opts.beats !== "detect")
        throw new UserError(`--beats must be atr or detect, not "${opts.beats}"`);
      const causal = parseCausal(opts);
      if (causal && opts.beats !== "detect")
        throw new UserError("--causal needs --beats detect (whole records streamed end to end)");
      if (opts.records !== undefined && !opts.records.split(",").every((r) => r.trim()))
        throw new UserError(
          `--records: an empty record name in "${opts.records}" (give e.g. --records 100,101)`,
        );
      if (opts.beats === "detect" || opts.records !== undefined)
        return runEvaluateDetect(bundle, {
          scheme,
          split,
          chartOut: opts.chart ? opts.chartOut : undefined,
          json: opts.json,
          dataDir: program.opts().dataDir,
          causal,
          records: opts.records?.split(",").map((r) => r.trim()),
          rhythmGuard: opts.rhythmGuard,
          morphSmoothing: opts.morphSmoothing,
          qrsVeto: opts.qrsVeto,
          perRecord: opts.perRecord,
          beats: opts.beats,
        });
      const { dataset } = await datasetFromCli(
        { scheme, split, cache: opts.cache, cacheDir: opts.cacheDir, lead: meta.lead, window: meta.window },
        program.opts().dataDir,
      );
      if (dataset.classes.join() !== meta.classes.join())
        throw new UserError(
          `${dir}: classes ${meta.classes.join(" ")} differ from the scheme's ${dataset.classes.join(" ")}`,
        );
      const test = dataset.parts.test;
      if (test.y.length === 0) throw new UserError(`the ${split} split has no test beats`);
      const c = await openClassifier(bundle, {
        threads: THREADS,
        rhythmGuard: opts.rhythmGuard,
        morphSmoothing: opts.morphSmoothing,
        qrsVeto: opts.qrsVeto,
      });
      try {
        const { templates } = dataset;
        const { report, byRecord } = await evaluateOnPart(c, test, templates);
        const speed = opts.speed ? await measureSpeed(c, test, { threads: THREADS, templates }) : undefined;
        let chart: { svg: string; png: string } | undefined;
        if (opts.chart) {
          const unguarded = meta.rhythmGuard && !c.meta.rhythmGuard ? "-no-rhythm-guard" : "";
          const unsmoothed = meta.morphSmoothing && !c.meta.morphSmoothing ? "-no-morph-smoothing" : "";
          const unvetoed = meta.qrsVeto && !c.meta.qrsVeto ? "-no-qrs-veto" : "";
          const base =
            opts.chartOut ??
            resolve(bundle.dir, `confusion-${scheme}-${split}${unguarded}${unsmoothed}${unvetoed}`);
          chart = await writeConfusionChart(base, report.confusion, report.classes, {
            title: `${meta.name}: ${scheme} / ${split} test (${report.beats} beats)`,
          });
        }
        const out = {
          model: meta.name,
          dir: bundle.dir,
          scheme,
          split,
          part: "test",
          lead: meta.lead,
          rhythmGuard: c.meta.rhythmGuard ?? null,
          morphSmoothing: c.meta.morphSmoothing ?? null,
          qrsVeto: c.meta.qrsVeto ?? null,
          secondTemplate: c.meta.secondTemplate ?? null,
          leadFallbacks: dataset.leadFallbacks.map((f) => ({
            record: f.record,
            index: f.index,
            name: f.name,
          })),
          ...report,
          ...speed,
          ...byRecord,
          chart,
        };
        if (opts.json) return printJson(out);
        const lines = [
          `${meta.name} on ${scheme}/${split} test: ${report.beats} beats, accuracy ${(100 * report.accuracy).toFixed(2)} %, macro-F1 ${(100 * report.macroF1).toFixed(2)} %`,
          ...classTableLines(report, {
            tableNote: "",
            confusionTitle: "confusion (rows true, columns predicted",
          }),
          `params ${report.params} (${report.footprintKB.toFixed(2)} KB float32), model.onnx ${report.onnxBytes} bytes`,
        ];
        if (speed)
          lines.push(
            `latency ${speed.latencyMsBatch1} ms per beat (batch 1), throughput ${speed.throughputBatch256} beats/s (batch 256), ${THREADS} threads`,
          );
        if (opts.perRecord) lines.push(...recordTableLines(byRecord, report));
        if (chart) lines.push(`chart: ${chart.svg}, ${chart.png}`);
        process.stdout.write(lines.join("\n") + "\n");
      } finally {
        await c.release();
      }
    }),
  );
}
