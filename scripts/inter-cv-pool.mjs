// Pools the validation confusions of scripts/inter-cv.sh runs (DIR/log/<PREFIX>-<fold>-s<seed>.json): per recipe
// prefix, the N,S,V macro-F1, accuracy and S / V Se and +P of all its runs' beats together, and against the
// first prefix (the baseline) the runs it wins by N,S,V macro-F1 among the (fold, seed) pairs both have.
// Usage: node scripts/inter-cv-pool.mjs [--seeds 1,2] DIR BASELINE [PREFIX ...]   (after npm run build;
// --seeds: only the runs of these seeds)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { macroF1, pairedWins, pooledMetrics, takeOption } from "./cv-pool.mjs";

const args = process.argv.slice(2);
const seedsArg = takeOption(args, "--seeds");
const seeds = seedsArg === undefined ? null : new Set(seedsArg.split(","));
const [dir, ...prefixes] = args;
if (!dir || prefixes.length === 0) {
  console.error("usage: node scripts/inter-cv-pool.mjs [--seeds 1,2] DIR BASELINE [PREFIX ...]");
  process.exit(2);
}
const NSV = ["N", "S", "V"];

/** Map "<fold>-s<seed>" -> the run's validation confusion, for one prefix. */
function runsOf(prefix) {
  const re = new RegExp(`^${prefix.replace(/[^\w]/g, "\\$&")}-([A-Z])-s(\\d+)\\.json$`);
  const runs = new Map();
  for (const f of readdirSync(join(dir, "log")).sort()) {
    const hit = re.exec(f);
    if (!hit || (seeds && !seeds.has(hit[2]))) continue;
    const val = JSON.parse(readFileSync(join(dir, "log", f), "utf8")).val;
    if (val?.confusion) runs.set(`${hit[1]}-s${hit[2]}`, val.confusion);
  }
  return runs;
}

const pct = (v) => (100 * v).toFixed(1);
const base = runsOf(prefixes[0]);
console.log(
  "| recipe | runs | mF1 N,S,V % | accuracy % | N Se % | S Se / +P % | V Se / +P % | paired wins |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const prefix of prefixes) {
  const runs = runsOf(prefix);
  if (runs.size === 0) {
    console.log(`| ${prefix} | 0 | | | | | | |`);
    continue;
  }
  const m = pooledMetrics([...runs.values()]);
  const { diffs, higher } = pairedWins(base, runs, NSV);
  const [n, s, v] = m.perClass;
  console.log(
    `| ${prefix} | ${runs.size} | ${pct(macroF1(m, NSV))} | ${(100 * m.accuracy).toFixed(2)} | ${pct(n.sensitivity)} | ` +
      `${pct(s.sensitivity)} / ${pct(s.precision)} | ${pct(v.sensitivity)} / ${pct(v.precision)} | ` +
      `${prefix === prefixes[0] ? "" : `${higher} of ${diffs.length}`} |`,
  );
}
