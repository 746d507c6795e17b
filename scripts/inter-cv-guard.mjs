// A rhythm guard (src/model/rhythm-guard.ts) on scripts/inter-cv.sh runs: each run's model (DIR/out/<PREFIX>-
// <fold>-s<seed>) predicts its held-out DS1 fold (the model's own rhythm guard, if any, switched off; its morph
// smoothing, if any, kept: train --morph-smoothing, src/model/morph-smoothing.ts), then the
// N,S,V macro-F1, accuracy and S / V Se and +P without and with the guard, per run and pooled, and the runs whose
// N,S,V macro-F1 the guard raises. DS2 is never read. Usage (after npm run build):
//   node scripts/inter-cv-guard.mjs [--seeds 3] [--guard S,0.13,0.5] DIR PREFIX
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildBeatDataset, wfdbSource, defaultDataDir } from "../dist/src/beats/index.js";
import {
  argmaxRows,
  datasetMorph,
  decideProbs,
  evaluatePredictions,
  guardProbs,
  loadBundle,
  metricsFromConfusion,
  morphOf,
  openClassifier,
  rhythmGuardError,
  selectExtra,
} from "../dist/src/model/index.js";
import { FOLDS, takeOption } from "./cv-pool.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => takeOption(args, name, dflt);
const seeds = opt("--seeds", "1,2").split(",");
const [suppress, threshold, logOffset] = opt("--guard", "S,0.13,0.5").split(",");
const guard = { suppress, threshold: Number(threshold), logOffset: Number(logOffset) };
const CLASSES = ["N", "S", "V", "F", "Q"];
const guardError = rhythmGuardError(guard, CLASSES);
if (guardError) {
  console.error(`--guard ${[suppress, threshold, logOffset].join(",")}: ${guardError}`);
  process.exit(2);
}
const [dir, prefix] = args;
if (!dir || !prefix) {
  console.error("usage: node scripts/inter-cv-guard.mjs [--seeds 1,2] [--guard S,0.13,0.5] DIR PREFIX");
  process.exit(2);
}
const dataDir = defaultDataDir() ?? "../shared/mitdb";
const nsvF1 = (m) => (m.perClass[0].f1 + m.perClass[1].f1 + m.perClass[2].f1) / 3;
const pct = (v) => (100 * v).toFixed(2);
const line = (m) =>
  `mF1 ${pct(nsvF1(m))} acc ${pct(m.accuracy)} S ${pct(m.perClass[1].sensitivity)}/${pct(m.perClass[1].precision)} ` +
  `V ${pct(m.perClass[2].sensitivity)}/${pct(m.perClass[2].precision)}`;
const add = (a, b) => (a ? a.map((r, i) => r.map((v, j) => v + b[i][j])) : b);
let pooled = [undefined, undefined];
let wins = 0;
let runs = 0;
for (const [fold, records] of Object.entries(FOLDS)) {
  const models = seeds
    .map((s) => [s, join(dir, "out", `${prefix}-${fold}-s${s}`)])
    .filter(([, m]) => existsSync(join(m, "model.json")));
  if (models.length === 0) continue;
  // The beats cut with the runs' window (train --window; all runs of a prefix share it).
  const { meta } = await loadBundle(models[0][1], { weights: false });
  const ds = await buildBeatDataset({
    source: wfdbSource(dataDir),
    scheme: "aami",
    split: "inter",
    valRecords: records,
    window: meta.window,
  });
  const part = ds.parts.val;
  for (const [s, model] of models) {
    const c = await openClassifier(model, { rhythmGuard: false });
    const x = datasetMorph(part.x, part.record, ds.windowLength, ds.templates, morphOf(c.meta));
    const beats = { rr: part.rr, windows: part.x, record: part.record };
    const net = decideProbs(c.meta, await c.predict(x, selectExtra(part.rr, c.meta)), beats).probs;
    await c.release();
    const k = ds.classes.length;
    const [b, g] = [net, guardProbs(net, ds.classes, part.rr, guard)].map((p) =>
      evaluatePredictions(part.y, argmaxRows(p, k), ds.classes),
    );
    pooled = pooled.map((p, i) => add(p, [b, g][i].confusion));
    runs++;
    if (nsvF1(g) > nsvF1(b)) wins++;
    console.log(`${fold}-s${s}: ${line(b)}  ->  ${line(g)}`);
  }
}
const [b, g] = pooled.map((m) => metricsFromConfusion(m, CLASSES));
console.log(
  `pooled without: ${line(b)}\npooled with:    ${line(g)}\nguard ${JSON.stringify(guard)}: N,S,V macro-F1 higher in ${wins} of ${runs} runs`,
);
