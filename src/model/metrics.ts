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
