// Exploration (docs/RESULTS.md, "a learned stacker"): can a small learned second stage replace the hand-made
// decision chain? Out-of-fold data: each inter-cv.sh run of PREFIX (DIR/chain/<run>, made by inter-cv-chain.mjs with
// the shipped chain) classifies its held-out DS1 fold at the reference beats, once with the whole chain and once as
// the net alone; per beat: both probability vectors, the chain's QRS / P / atrial matches, the second-template flag,
// the RR features and the neighbours' net probabilities and prematurity (cached in DIR/stack/<run>.json). Then, per
// seed and held-out fold, a softmax regression (hidden=0) or a one-hidden-layer net is trained on the other four
// folds' beats (class weights ^ wpow) and scored on the fold against the chain. DS2 is never read.
// Usage (after npm run build): node scripts/inter-cv-stacker.mjs DIR [prefix=R] [seeds=1,2] [hidden=0] [wpow=0]
//   [epochs=30] [l2=1e-4]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeRecord, referenceBeats } from "../dist/src/analyze/index.js";
import { RR_DIM, SCHEMES, defaultDataDir, labelOf, mulberry32, rrFeatures } from "../dist/src/beats/index.js";
import { openClassifier } from "../dist/src/model/index.js";
import { CLASSES, FOLDS, macroF1, metricsOf, pooledMetrics } from "./cv-pool.mjs";

const [dir, ...rest] = process.argv.slice(2);
if (!dir) {
  console.error(
    "usage: node scripts/inter-cv-stacker.mjs DIR [prefix=R] [seeds=1,2] [hidden=0] [wpow=0] [epochs=30]",
  );
  process.exit(2);
}
const o = { prefix: "R", seeds: "1,2", hidden: "0", wpow: "0", epochs: "30", l2: "1e-4" };
for (const a of rest) o[a.split("=")[0]] = a.split("=")[1];
const dataDir = defaultDataDir(undefined);
if (!dataDir) throw new Error("set ARRHYTHMIA_VISION_DATA to the mitdb directory");
const K = CLASSES.length;
const NSV = ["N", "S", "V"];

/** Per-beat rows of one run on its held-out fold (cached). */
async function rowsOf(run, fold) {
  const cached = join(dir, "stack", `${run}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, "utf8"));
  const model = join(dir, "chain", run);
  const whole = await openClassifier(model, { threads: 2 });
  const net = await openClassifier(model, {
    threads: 2,
    rhythmGuard: false,
    qrsVeto: false,
    morphSmoothing: false,
  });
  const rows = [];
  for (const record of FOLDS[fold]) {
    const path = join(dataDir, record);
    const symbol = new Map((await referenceBeats(path)).map((b) => [b.sample, b.symbol]));
    const [a, b] = [
      await analyzeRecord(path, whole, { beats: "atr" }),
      await analyzeRecord(path, net, { beats: "atr" }),
    ];
    const rr = rrFeatures(
      a.beats.map((x) => x.sample),
      a.fs,
    );
    a.beats.forEach((x, i) => {
      const m = x.matches ?? {};
      rows.push({
        record,
        y: labelOf(SCHEMES.aami, symbol.get(x.sample)),
        chain: CLASSES.map((c) => x.probs[c]),
        net: CLASSES.map((c) => b.beats[i].probs[c]),
        matches: [m.qrs ?? NaN, m.p ?? NaN, m.atrial ?? NaN],
        flags: [x.secondTemplate ? 1 : 0, x.edge ? 1 : 0],
        rr: Array.from(rr.subarray(i * RR_DIM, (i + 1) * RR_DIM)),
      });
    });
  }
  await Promise.all([whole.release(), net.release()]);
  mkdirSync(join(dir, "stack"), { recursive: true });
  writeFileSync(cached, JSON.stringify(rows));
  return rows;
}

const lg = (v) => Math.log(Math.max(v, 1e-6));
const lgRatio = (v) => Math.log(Math.max(v, 1e-3));
/** Feature vector of row j: its own probabilities, matches (0 + a missing flag), RR ratios, and its neighbours'. */
function features(rows, j) {
  const r = rows[j];
  const near = (d) => (rows[j + d]?.record === r.record ? rows[j + d] : r);
  const miss = (v) => (Number.isNaN(v) ? [0, 1] : [v, 0]);
  // RR_FEATURES 4..11: the ratios to localRR / recordRR, localRRdiff/localRR, rhythmIrregularity, rhythmEntropy
  const rr = r.rr.slice(4, 12).map((v, k) => (k === 7 ? v : lgRatio(v)));
  return [
    ...r.net.map(lg),
    ...r.chain.map(lg),
    ...r.matches.flatMap(miss),
    ...r.flags,
    ...rr,
    ...near(-1).net.map(lg),
    ...near(1).net.map(lg),
    lgRatio(near(-1).rr[4]),
    lgRatio(near(1).rr[4]),
  ];
}

/** Softmax regression or a ReLU net, Adam on the class-weighted cross-entropy; returns the argmax predictor. */
function fit(X, y, { hidden, wpow, epochs, l2 }, seed) {
  const D = X[0].length;
  const mu = Array.from({ length: D }, (_, d) => X.reduce((a, x) => a + x[d], 0) / X.length);
  const sd = mu.map((m, d) => Math.sqrt(X.reduce((a, x) => a + (x[d] - m) ** 2, 0) / X.length) || 1);
  const std = (x) => Float64Array.from(x, (v, d) => (v - mu[d]) / sd[d]);
  const Z = X.map(std);
  const counts = CLASSES.map((_, k) => y.filter((c) => c === k).length);
  const cw = counts.map((c) => (c > 0 ? (y.length / (K * c)) ** wpow : 0));
  const rng = mulberry32(seed);
  const inD = hidden > 0 ? hidden : D;
  const W1 = Array.from({ length: hidden }, () =>
    Float64Array.from({ length: D + 1 }, () => 0.3 * (rng() - 0.5)),
  );
  const W2 = Array.from({ length: K }, () => new Float64Array(inD + 1));
  const params = [...W1, ...W2];
  const [m, v] = [
    params.map((p) => new Float64Array(p.length)),
    params.map((p) => new Float64Array(p.length)),
  ];
  const dot = (w, x, n) => x.reduce((a, xi, d) => (d < n ? a + w[d] * xi : a), w[n]);
  const forward = (z) => {
    const h = hidden > 0 ? W1.map((w) => Math.max(dot(w, z, D), 0)) : z;
    return { h, logits: W2.map((w) => dot(w, h, inD)) };
  };
  const order = [...Z.keys()];
  const B = 2048;
  let t = 0;
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let b0 = 0; b0 < order.length; b0 += B) {
      const g = params.map((p) => new Float64Array(p.length));
      let wsum = 0;
      for (const i of order.slice(b0, b0 + B)) {
        const { h, logits } = forward(Z[i]);
        const mx = Math.max(...logits);
        const e = logits.map((a) => Math.exp(a - mx));
        const se = e.reduce((a, c) => a + c);
        const wt = cw[y[i]];
        wsum += wt;
        const dl = e.map((a, k) => (a / se - (k === y[i] ? 1 : 0)) * wt);
        dl.forEach((dk, k) => {
          const gk = g[hidden + k];
          for (let d = 0; d < inD; d++) gk[d] += dk * h[d];
          gk[inD] += dk;
        });
        for (let u = 0; u < hidden; u++) {
          if (h[u] <= 0) continue;
          const dh = dl.reduce((a, dk, k) => a + dk * W2[k][u], 0);
          for (let d = 0; d < D; d++) g[u][d] += dh * Z[i][d];
          g[u][D] += dh;
        }
      }
      t++;
      params.forEach((p, pi) => {
        for (let q = 0; q < p.length; q++) {
          const gr = g[pi][q] / wsum + l2 * p[q];
          m[pi][q] = 0.9 * m[pi][q] + 0.1 * gr;
          v[pi][q] = 0.999 * v[pi][q] + 0.001 * gr * gr;
          p[q] -= (0.01 * m[pi][q]) / (1 - 0.9 ** t) / (Math.sqrt(v[pi][q] / (1 - 0.999 ** t)) + 1e-8);
        }
      });
    }
  }
  return (x) => {
    const { logits } = forward(std(x));
    return logits.indexOf(Math.max(...logits));
  };
}

const argmax = (p) => p.indexOf(Math.max(...p));
const zero = () => CLASSES.map(() => CLASSES.map(() => 0));
const cfg = { hidden: Number(o.hidden), wpow: Number(o.wpow), epochs: Number(o.epochs), l2: Number(o.l2) };
const runs = {};
for (const s of o.seeds.split(","))
  for (const f of Object.keys(FOLDS)) {
    const rows = await rowsOf(`${o.prefix}-${f}-s${s}`, f);
    const kept = [...rows.keys()].filter((j) => rows[j].y >= 0);
    runs[`${f}-s${s}`] = {
      X: kept.map((j) => features(rows, j)),
      y: kept.map((j) => rows[j].y),
      rows: kept.map((j) => rows[j]),
    };
  }
const [chainC, stackC] = [[], []];
let higher = 0;
for (const [key, held] of Object.entries(runs)) {
  const [fold, seed] = key.split("-");
  const train = Object.entries(runs).filter(([k]) => k.endsWith(`-${seed}`) && !k.startsWith(`${fold}-`));
  const predict = fit(
    train.flatMap(([, r]) => r.X),
    train.flatMap(([, r]) => r.y),
    cfg,
    1,
  );
  const [c, st] = [zero(), zero()];
  held.X.forEach((x, i) => {
    c[held.y[i]][argmax(held.rows[i].chain)]++;
    st[held.y[i]][predict(x)]++;
  });
  chainC.push(c);
  stackC.push(st);
  const d = macroF1(metricsOf(st), NSV) - macroF1(metricsOf(c), NSV);
  if (d > 0) higher++;
  console.log(`${key}: mF1 N,S,V stacker - chain ${(100 * d).toFixed(2)}`);
}
const pct = (x) => (100 * x).toFixed(2);
for (const [name, cs] of [
  ["chain", chainC],
  ["stacker", stackC],
]) {
  const mm = pooledMetrics(cs);
  const sp = (k) => `${pct(mm.perClass[k].sensitivity)} / ${pct(mm.perClass[k].precision)}`;
  console.log(
    `${name}: mF1 N,S,V ${pct(macroF1(mm, NSV))}  accuracy ${pct(mm.accuracy)}  S ${sp(1)}  V ${sp(2)}`,
  );
}
console.log(`stacker higher in ${higher} of ${chainC.length} runs (${JSON.stringify(cfg)})`);
