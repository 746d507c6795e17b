// Scores scripts/inter-cv.sh runs under a shipped model's whole decision chain, as a user would run it: each run's
// model (DIR/out/<PREFIX>-<fold>-s<seed>) is copied to DIR/chain/ with the shipped model.json's rhythmGuard,
// morphSmoothing, qrsVeto and secondTemplate, then classifies its held-out DS1 fold through `arrhythmia-vision
// evaluate --records <fold> --json` (cached in DIR/chain/<run>.json). Prints per prefix the pooled macro-F1 over
// N,S,V,F and over N,S,V, accuracy and S / V / F Se and +P, and against the first prefix (the baseline) the runs
// whose macro-F1 over --classes (default N,S,V,F) is higher. DS2 is never read. docs/RESULTS.md, searches 56-58.
// Usage (after npm run build):
//   node scripts/inter-cv-chain.mjs [--model models/v1-aami-inter] [--seeds 1,2] [--classes N,S,V,F] DIR BASE [PREFIX ...]
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { FOLDS, macroF1, pairedWins, pooledMetrics, takeOption } from "./cv-pool.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const CHAIN = ["rhythmGuard", "morphSmoothing", "qrsVeto", "secondTemplate"];
const args = process.argv.slice(2);
const shippedDir = takeOption(args, "--model", join(ROOT, "models/v1-aami-inter"));
const seeds = takeOption(args, "--seeds", "1,2").split(",");
const winClasses = takeOption(args, "--classes", "N,S,V,F").split(",");
const [dir, ...prefixes] = args;
if (!dir || prefixes.length === 0) {
  console.error(
    "usage: node scripts/inter-cv-chain.mjs [--model DIR] [--seeds 1,2] [--classes N,S,V,F] DIR BASELINE [PREFIX ...]",
  );
  process.exit(2);
}
const shipped = JSON.parse(readFileSync(join(shippedDir, "model.json"), "utf8"));
mkdirSync(join(dir, "chain"), { recursive: true });

function confusionOf(run, fold) {
  const cached = join(dir, "chain", `${run}.json`);
  if (!existsSync(cached)) {
    const model = join(dir, "chain", run);
    cpSync(join(dir, "out", run), model, { recursive: true });
    const meta = JSON.parse(readFileSync(join(model, "model.json"), "utf8"));
    for (const k of CHAIN)
      if (shipped[k] === undefined) delete meta[k];
      else meta[k] = shipped[k];
    writeFileSync(join(model, "model.json"), JSON.stringify(meta, null, 2));
    const cli = join(ROOT, "dist/src/cli/main.js");
    const out = execFileSync(
      "node",
      [
        cli,
        "evaluate",
        "--model",
        model,
        "--records",
        FOLDS[fold].join(","),
        "--no-speed",
        "--no-chart",
        "--json",
      ],
      { maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] },
    );
    writeFileSync(cached, out);
  }
  return JSON.parse(readFileSync(cached, "utf8")).confusion;
}

const pct = (v) => (100 * v).toFixed(2);
const runs = new Map(
  prefixes.map((p) => [
    p,
    new Map(
      seeds.flatMap((s) => Object.keys(FOLDS).map((f) => [`${f}-s${s}`, confusionOf(`${p}-${f}-s${s}`, f)])),
    ),
  ]),
);
for (const [p, rs] of runs) {
  const m = pooledMetrics([...rs.values()]);
  const sp = (c) => `${pct(m.perClass[c].sensitivity)} / ${pct(m.perClass[c].precision)}`;
  console.log(
    `${p}: mF1 N,S,V,F ${pct(macroF1(m, ["N", "S", "V", "F"]))}  N,S,V ${pct(macroF1(m, ["N", "S", "V"]))}  accuracy ${pct(m.accuracy)}` +
      `  S ${sp(1)}  V ${sp(2)}  F ${sp(3)}`,
  );
}
const [base, ...cands] = prefixes;
for (const c of cands) {
  const { diffs, higher } = pairedWins(runs.get(base), runs.get(c), winClasses);
  console.log(
    `${c} vs ${base} (${winClasses.join(",")}): higher in ${higher} of ${diffs.length} runs (${diffs.map(([k, d]) => `${k} ${pct(d)}`).join(", ")})`,
  );
}
