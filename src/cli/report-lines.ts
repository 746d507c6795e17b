// The per-class table, confusion matrix and per-record table that `evaluate` prints (reference beats or detected
// ones).
import {
  recordReport,
  type EvaluationReport,
  type RecordAverage,
  type RecordBreakdown,
  type RecordClassStats,
  type RecordReport,
} from "../model/index.js";

const pct = (v: number) => (100 * v).toFixed(2).padStart(7);

/**
 * Per-class +P/Se/Sp/F1 rows under a header (plus `tableNote`), then the confusion rows under
 * `confusionTitle` followed by the class names and "):".
 */
export function classTableLines(
  report: Pick<EvaluationReport, "perClass" | "confusion" | "classes">,
  text: { tableNote: string; confusionTitle: string },
): string[] {
  return [
    "class   support     +P %    Se %    Sp %    F1 %" + text.tableNote,
    ...Object.entries(report.perClass).map(
      ([name, m]) =>
        `${name.padEnd(6)}${String(m.support).padStart(9)}${pct(m.precision)}${pct(m.sensitivity)}${pct(m.specificity)}${pct(m.f1)}`,
    ),
    `${text.confusionTitle} ${report.classes.join(" ")}):`,
    ...report.confusion.map(
      (row, i) => `  ${report.classes[i].padEnd(4)}${row.map((v) => String(v).padStart(8)).join("")}`,
    ),
  ];
}

const cell = (v: number | null) => (v === null ? "-" : (100 * v).toFixed(1)).padStart(6);

/**
 * One row per record (beats, accuracy, each class's Se and +P; "-" where undefined), then EC57's two summary rows:
 * gross (all beats pooled: `pooled`'s confusion) and average (the mean over records, `b.recordAverage`).
 */
export function recordTableLines(
  b: RecordBreakdown,
  pooled: Pick<EvaluationReport, "classes" | "confusion">,
): string[] {
  const classes = pooled.classes;
  const head =
    "record   beats  acc %" + classes.map((c) => `${`${c} Se`.padStart(7)}${`${c} +P`.padStart(7)}`).join("");
  const row = (
    name: string,
    beats: string,
    acc: number | null,
    of: (c: string) => RecordAverage | RecordClassStats,
  ) =>
    `${name.padEnd(6)}${beats.padStart(8)}${cell(acc).padStart(7)}` +
    classes.map((c) => ` ${cell(of(c).sensitivity)} ${cell(of(c).precision)}`).join("");
  const recordRow = (r: RecordReport) => row(r.record, String(r.beats), r.accuracy, (c) => r.perClass[c]);
  return [
    `per record (Se / +P %; average: EC57's mean over the records with beats of / called the class):`,
    head,
    ...b.records.map(recordRow),
    recordRow(recordReport("gross", pooled.confusion, classes)),
    row("avg", "", null, (c) => b.recordAverage[c]),
  ];
}
