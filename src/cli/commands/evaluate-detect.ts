// `evaluate --beats detect` (and `--records`): whole records run end to end (our QRS detector, then the model; or
// the model at the reference beats, `--beats atr --records`), scored against the reference beats with the bxb /
// EC57 rule. Not a command itself (no register).
import { join } from "node:path";
import {
  addCounts,
  delayStats,
  emptyCounts,
  endToEndCausal,
  endToEndRecord,
  summarizeEndToEnd,
  type BeatDelay,
  type DelayStats,
  type EndToEndCounts,
  type EndToEndSummary,
  type ScoredBeats,
} from "../../analyze/index.js";
import {
  DS2,
  SCHEMES,
  defaultDataDir,
  isSchemeName,
  recordsSeenInTraining,
  wfdbSource,
  type SchemeName,
  type SplitName,
} from "../../beats/index.js";
import {
  openClassifier,
  recordAverages,
  recordReport,
  reportFromMetrics,
  writeConfusionChart,
  type CausalOptions,
  type Classifier,
  type EvaluationReport,
  type ModelBundle,
  type RecordAverage,
  type RecordReport,
} from "../../model/index.js";
import { resolveLead, type LeadChoice } from "../../wfdb/index.js";
import { UserError } from "../errors.js";
import { warnLeadFallback } from "../lead-notes.js";
import { classTableLines, recordTableLines } from "../report-lines.js";
import { printJson } from "../run.js";

/** One record end to end: its detection counts, and (RecordReport) the figures of its matched beats. */
export interface RecordEndToEnd extends RecordReport {
  /** The record's signal the model read. */
  lead: LeadChoice;
  matched: number;
  missed: number;
  falseDetections: number;
  endToEndAccuracy: number;
}

export interface DetectEvaluation {
  report: EvaluationReport;
  detection: EndToEndSummary["detection"];
  endToEndAccuracy: number;
  records: RecordEndToEnd[];
  /** EC57's record averages of the matched beats' Se and +P. */
  recordAverage: Record<string, RecordAverage>;
  /** Causal runs: when each label came out (over all records' detected beats). */
  delay?: DelayStats;
}

/**
 * The DS2 records (less the scheme's excluded records) present in the data directory, or the records
 * `only` names (each must be there and not excluded by the scheme).
 */
export async function detectTestRecords(
  scheme: SchemeName,
  dataDirOption: string | undefined,
  only?: readonly string[],
): Promise<{ dataDir: string; records: string[] }> {
  const dataDir = defaultDataDir(dataDirOption);
  if (!dataDir) throw new UserError("no data directory: give --data-dir DIR or set ARRHYTHMIA_VISION_DATA");
  const all = await wfdbSource(dataDir)
    .records()
    .catch((): string[] => []);
  const excluded = SCHEMES[scheme].excludedRecords;
  for (const r of only ?? []) {
    if (!all.includes(r)) throw new UserError(`--records: ${r} (with a .atr) not found in ${dataDir}`);
    if (excluded.includes(r)) throw new UserError(`--records: ${r} is excluded by the ${scheme} scheme`);
  }
  const records = only ? [...only] : all.filter((r) => DS2.includes(r) && !excluded.includes(r));
  if (records.length === 0) throw new UserError(`no DS2 (inter test) record with a .atr found in ${dataDir}`);
  return { dataDir, records };
}

/**
 * One stderr line when chosen records are mitdb records the model's training saw (by name: another database's
 * records are not known to differ): their figures are not those of new patients.
 */
function warnSeenRecords(records: readonly string[], model: string, split: SplitName): void {
  const trained = recordsSeenInTraining(split);
  const seen = records.filter((r) => trained.includes(r));
  if (seen.length)
    process.stderr.write(
      `arrhythmia-vision: warning: ${seen.join(", ")}: mitdb record names whose beats ${model} was trained on ` +
        `(its ${split} split${split === "intra" ? " draws training beats from every record" : ": DS1"}); ` +
        `their figures are not those of new patients\n`,
    );
}

/**
 * Runs every record end to end (held, or `causal` through the causal stream; `beats` "atr": held, at the reference
 * beats) and sums the counts.
 */
export async function evaluateDetected(
  c: Classifier,
  scheme: SchemeName,
  dataDir: string,
  records: readonly string[],
  causal?: CausalOptions,
  beats: ScoredBeats = "detect",
): Promise<DetectEvaluation> {
  const s = SCHEMES[scheme];
  let total = emptyCounts(s.classes.length);
  const perRecord: RecordEndToEnd[] = [];
  const delays: BeatDelay[] = [];
  const run = async (path: string): Promise<EndToEndCounts> => {
    if (!causal) return endToEndRecord(path, c, s, { beats });
    const r = await endToEndCausal(path, c, s, { causal });
    for (const d of r.delays) delays.push(d);
    return r.counts;
  };
  for (const record of records) {
    const lead = await resolveLead(join(dataDir, record), c.meta.lead);
    warnLeadFallback(lead, record);
    const counts = await run(join(dataDir, record));
    const r = summarizeEndToEnd(counts, s.classes);
    perRecord.push({
      ...recordReport(record, counts.confusion, s.classes),
      lead,
      matched: r.detection.matched,
      missed: r.detection.missed,
      falseDetections: r.detection.falseDetections,
      endToEndAccuracy: r.endToEndAccuracy,
    });
    total = addCounts(total, counts);
  }
  const sum = summarizeEndToEnd(total, s.classes);
  return {
    report: reportFromMetrics(sum.metrics, c.meta),
    detection: sum.detection,
    endToEndAccuracy: sum.endToEndAccuracy,
    records: perRecord,
    recordAverage: recordAverages(perRecord, s.classes),
    ...(causal ? { delay: delayStats(delays) } : {}),
  };
}

/** The human-readable lines of the detection part. */
export function detectionLines(e: DetectEvaluation): string[] {
  const d = e.detection;
  const perClass = Object.entries(d.missedPerClass)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return [
    `detection (±150 ms, one-to-one): ${d.reference} reference beats, ${d.matched} matched, ${d.missed} missed ` +
      `(${perClass}), ${d.falseDetections} false detections` +
      (d.excludedReference > 0
        ? `; ${d.excludedReference} reference beats outside the scheme not scored`
        : ""),
    `end-to-end accuracy ${(100 * e.endToEndAccuracy).toFixed(2)} % (correct / (matched + missed))`,
    ...(e.delay ? [causalLine(e.delay)] : []),
  ];
}

/** When the causal labels came out. */
export function causalLine(d: DelayStats): string {
  const b = d.beats;
  const s = d.seconds;
  return (
    `causal: each label came ${b.median} beats / ${s.median.toFixed(2)} s after its beat (median; ` +
    `95 %: ${b.p95} / ${s.p95.toFixed(2)} s; max ${b.max} / ${s.max.toFixed(2)} s)`
  );
}

export interface RunDetectOptions {
  scheme: string;
  split: string;
  /** Write the confusion chart to <chartOut>.svg/.png (none if absent: the model directory stays as is). */
  chartOut?: string;
  json?: boolean;
  dataDir?: string;
  /** Through the causal stream (running recordRR and template) instead of whole records. */
  causal?: CausalOptions;
  /** These records instead of DS2 (e.g. the DS1 hold-out 118, 124, 201, 215). */
  records?: string[];
  /** false: without the model's rhythm guard. */
  rhythmGuard?: boolean;
  /** false: without the model's morph smoothing. */
  morphSmoothing?: boolean;
  /** false: without the model's QRS veto. */
  qrsVeto?: boolean;
  /** Print the per-record table too. */
  perRecord?: boolean;
  /** "atr" (with `records`): the model at the reference beats instead of our detector's (default "detect"). */
  beats?: ScoredBeats;
}

/** `evaluate --beats detect`: checks the options, runs, prints. */
export async function runEvaluateDetect(bundle: ModelBundle, o: RunDetectOptions): Promise<void> {
  if (!isSchemeName(o.scheme)) throw new UserError(`--scheme must be paper or aami, not "${o.scheme}"`);
  const beats = o.beats ?? "detect";
  if (beats === "atr" && (!o.records || o.causal))
    throw new UserError("internal: whole records at the reference beats are run for --records, not causally");
  if (o.split !== "inter" && !o.records)
    throw new UserError(
      `--beats detect needs --split inter (whole test records, DS2); the ${o.split} split's test beats are not whole records`,
    );
  const { dataDir, records } = await detectTestRecords(o.scheme, o.dataDir, o.records);
  const meta = bundle.meta;
  if (o.records) warnSeenRecords(records, meta.name, meta.training.split);
  const c = await openClassifier(bundle, {
    threads: 2,
    rhythmGuard: o.rhythmGuard,
    morphSmoothing: o.morphSmoothing,
    qrsVeto: o.qrsVeto,
  });
  let e: DetectEvaluation;
  try {
    e = await evaluateDetected(c, o.scheme, dataDir, records, o.causal, beats);
  } finally {
    await c.release();
  }
  const { report } = e;
  const where = o.records ? `${o.scheme}, records ${records.join(" ")}` : `${o.scheme}/inter test`;
  const chart = o.chartOut
    ? await writeConfusionChart(o.chartOut, report.confusion, report.classes, {
        title:
          beats === "atr"
            ? `${meta.name}: ${where} (${report.beats} beats)`
            : `${meta.name}: ${where}, detected beats (${report.beats} matched)`,
      })
    : undefined;
  const part = o.records ? "records" : "test";
  const head = {
    model: meta.name,
    dir: bundle.dir,
    scheme: o.scheme,
    split: o.split,
    part,
    rhythmGuard: c.meta.rhythmGuard ?? null,
    morphSmoothing: c.meta.morphSmoothing ?? null,
    qrsVeto: c.meta.qrsVeto ?? null,
    secondTemplate: c.meta.secondTemplate ?? null,
  };
  if (o.json)
    return printJson({
      ...head,
      beatsFrom: beats,
      ...(o.causal ? { causal: o.causal } : {}),
      ...report,
      detection: e.detection,
      endToEndAccuracy: e.endToEndAccuracy,
      records: e.records,
      recordAverage: e.recordAverage,
      ...(e.delay ? { delay: e.delay } : {}),
      chart,
    });
  const figures = `accuracy ${(100 * report.accuracy).toFixed(2)} %, macro-F1 ${(100 * report.macroF1).toFixed(2)} %`;
  const lines =
    beats === "atr"
      ? [
          `${meta.name} on ${where}, at the reference beats (${records.length} records): ${report.beats} beats, ${figures}`,
          ...classTableLines(report, {
            tableNote: "",
            confusionTitle: "confusion (rows true, columns predicted",
          }),
        ]
      : [
          `${meta.name} on ${where}, beats from our detector${o.causal ? ", causal" : ""} (${records.length} records): ` +
            `${report.beats} matched beats, ${figures}`,
          ...detectionLines(e),
          ...classTableLines(report, {
            tableNote: "   (matched beats)",
            confusionTitle: "confusion of matched beats (rows reference, columns predicted",
          }),
        ];
  if (o.perRecord) lines.push(...recordTableLines(e, report));
  if (chart) lines.push(`chart: ${chart.svg}, ${chart.png}`);
  process.stdout.write(lines.join("\n") + "\n");
}
