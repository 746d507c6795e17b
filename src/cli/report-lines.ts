// The per-class table and confusion matrix that `evaluate` prints (reference beats or detected ones).
import type { EvaluationReport } from "../model/index.js";

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
