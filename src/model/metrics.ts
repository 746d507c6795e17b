/** Evaluation metrics of a classifier (pure). Rows of a confusion matrix are the true class, columns the predicted. */

export type ConfusionMatrix = number[][];

/** Counts of (true, predicted) pairs; labels must be integers in [0, nClasses). */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses: number,
): ConfusionMatrix {
  if (yTrue.length !== yPred.length)
    throw new Error(`confusionMatrix: ${yTrue.length} true labels but ${yPred.length} predictions`);
  const cm = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(t >= 0 && t < nClasses && p >= 0 && p < nClasses && Number.isInteger(t) && Number.isInteger(p)))
      throw new Error(`confusionMatrix: label out of range at ${i} (true ${t}, predicted ${p})`);
    cm[t][p]++;
  }
  return cm;
}

export interface ClassMetrics {
  name: string;
  /** True beats of this class (row sum). */
  support: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** Positive predictive value +P = tp / (tp + fp); 0 when nothing was predicted as this class. */
  precision: number;
  /** Sensitivity Se (recall) = tp / (tp + fn); 0 when the class is absent. */
  sensitivity: number;
  /** Specificity = tn / (tn + fp). */
  specificity: number;
  /** F1 = 2 tp / (2 tp + fp + fn). */
  f1: number;
}

export interface Metrics {
  classes: string[];
  confusion: ConfusionMatrix;
  total: number;
  accuracy: number;
  /** Mean F1 over the classes present in the truth (support > 0). */
  macroF1: number;
  perClass: ClassMetrics[];
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** Accuracy, per-class +P, Se, specificity and F1, and macro-F1 from a confusion matrix. */
export function metricsFromConfusion(cm: ConfusionMatrix, classes: readonly string[]): Metrics {
  const k = cm.length;
  if (classes.length !== k) throw new Error(`metrics: ${classes.length} class names for a ${k}x${k} matrix`);
  const total = cm.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  let correct = 0;
  const perClass = classes.map((name, c) => {
    const tp = cm[c][c];
    const support = cm[c].reduce((a, b) => a + b, 0);
    const predicted = cm.reduce((s, row) => s + row[c], 0);
    const fn = support - tp;
    const fp = predicted - tp;
    const tn = total - tp - fn - fp;
    correct += tp;
    return {
      name,
      support,
      tp,
      fp,
      fn,
      tn,
      precision: ratio(tp, tp + fp),
      sensitivity: ratio(tp, tp + fn),
      specificity: ratio(tn, tn + fp),
      f1: ratio(2 * tp, 2 * tp + fp + fn),
    };
  });
  const present = perClass.filter((m) => m.support > 0);
  return {
    classes: [...classes],
    confusion: cm.map((row) => [...row]),
    total,
    accuracy: ratio(correct, total),
    macroF1: ratio(
      present.reduce((s, m) => s + m.f1, 0),
      present.length,
    ),
    perClass,
  };
}

/** Confusion matrix and metrics of predictions in one call. */
export function evaluatePredictions(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  classes: readonly string[],
): Metrics {
  return metricsFromConfusion(confusionMatrix(yTrue, yPred, classes.length), classes);
}

/** One class in one record: its beats, the beats called it, and Se / +P (null where undefined: 0 / 0). */
export interface RecordClassStats {
  support: number;
  called: number;
  sensitivity: number | null;
  precision: number | null;
}

/** One record's figures: the per-record table of ANSI/AAMI EC57 (bxb's `-L` lines). */
export interface RecordReport {
  record: string;
  beats: number;
  /** null for a record without scored beats. */
  accuracy: number | null;
  perClass: Record<string, RecordClassStats>;
}

/**
 * EC57's record averages of one class (sumstats' "Average" line): the mean Se over the records that have beats of
 * the class and the mean +P over the records with beats called it (null when there are none); the pooled figures
 * (EC57's "gross" statistics) are the confusion matrix's.
 */
export interface RecordAverage {
  sensitivity: number | null;
  sensitivityRecords: number;
  precision: number | null;
  precisionRecords: number;
}

export interface RecordBreakdown {
  records: RecordReport[];
  recordAverage: Record<string, RecordAverage>;
}

const orNull = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** The confusion matrix of each record's beats (`record[i]` names beat i's), in order of first appearance. */
export function confusionsByRecord(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  record: readonly string[],
  nClasses: number,
): [string, ConfusionMatrix][] {
  if (record.length !== yTrue.length)
    throw new Error(`confusionsByRecord: ${record.length} record names for ${yTrue.length} beats`);
  const rows = new Map<string, number[]>();
  record.forEach((r, i) => (rows.get(r) ?? rows.set(r, []).get(r)!).push(i));
  return [...rows].map(([r, idx]) => [
    r,
    confusionMatrix(
      idx.map((i) => yTrue[i]),
      idx.map((i) => yPred[i]),
      nClasses,
    ),
  ]);
}

/** One record's EC57 line from its confusion matrix (metricsFromConfusion's counts, undefined ratios null). */
export function recordReport(record: string, cm: ConfusionMatrix, classes: readonly string[]): RecordReport {
  const m = metricsFromConfusion(cm, classes);
  const perClass = Object.fromEntries(
    m.perClass.map(({ name, support, tp, fp }) => [
      name,
      { support, called: tp + fp, sensitivity: orNull(tp, support), precision: orNull(tp, tp + fp) },
    ]),
  );
  return { record, beats: m.total, accuracy: m.total > 0 ? m.accuracy : null, perClass };
}

const mean = (v: number[]): number | null => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);

/** EC57's record averages of each class over these records' reports. */
export function recordAverages(
  records: readonly RecordReport[],
  classes: readonly string[],
): Record<string, RecordAverage> {
  const of = (name: string, key: "sensitivity" | "precision") =>
    records.map((r) => r.perClass[name][key]).filter((v): v is number => v !== null);
  return Object.fromEntries(
    classes.map((name) => {
      const se = of(name, "sensitivity");
      const pp = of(name, "precision");
      return [
        name,
        {
          sensitivity: mean(se),
          sensitivityRecords: se.length,
          precision: mean(pp),
          precisionRecords: pp.length,
        },
      ];
    }),
  );
}

/** Per-record reports and EC57 record averages from each record's confusion matrix. */
export function recordBreakdown(
  byRecord: readonly (readonly [string, ConfusionMatrix])[],
  classes: readonly string[],
): RecordBreakdown {
  const records = byRecord.map(([r, cm]) => recordReport(r, cm, classes));
  return { records, recordAverage: recordAverages(records, classes) };
}
