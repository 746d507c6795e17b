// What scripts/inter-cv-pool.mjs and scripts/inter-cv-chain.mjs share: the AAMI classes, the pooling of runs'
// confusions, a macro-F1 over some classes and the paired comparison of a candidate's runs with the baseline's.
import { readFileSync } from "node:fs";
import { metricsFromConfusion } from "../dist/src/model/metrics.js";

/** The five DS1 folds (fold letter -> records), every DS1 record held out once: scripts/ds1-folds.json. */
export const FOLDS = JSON.parse(readFileSync(new URL("./ds1-folds.json", import.meta.url), "utf8"));

export const CLASSES = ["N", "S", "V", "F", "Q"];

/** Metrics of one confusion matrix (rows: reference, columns: called; CLASSES order). */
export const metricsOf = (confusion) => metricsFromConfusion(confusion, CLASSES);

/** Metrics of the element-wise sum of confusion matrices. */
export const pooledMetrics = (confusions) =>
  metricsOf(confusions.reduce((a, b) => a.map((row, i) => row.map((v, j) => v + b[i][j]))));

/** Mean F1 over the named classes (e.g. ["N", "S", "V"]). */
export const macroF1 = (m, classes) =>
  classes.reduce((a, c) => a + m.perClass[CLASSES.indexOf(c)].f1, 0) / classes.length;

/**
 * The runs both maps have (key "<fold>-s<seed>" -> confusion), in the candidate's order: per run the candidate's
 * macro-F1 over `classes` minus the baseline's, and how many are higher.
 */
export function pairedWins(base, cand, classes) {
  const diffs = [...cand]
    .filter(([k]) => base.has(k))
    .map(([k, c]) => [k, macroF1(metricsOf(c), classes) - macroF1(metricsOf(base.get(k)), classes)]);
  return { diffs, higher: diffs.filter(([, d]) => d > 0).length };
}

/** The value of option `name` (removed from args with it), or dflt. */
export function takeOption(args, name, dflt) {
  const at = args.indexOf(name);
  return at < 0 ? dflt : args.splice(at, 2)[1];
}
