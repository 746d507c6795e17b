// Pools the validation confusions of scripts/inter-cv.sh runs (DIR/log/<PREFIX>-<fold>-s<seed>.json): per recipe
// prefix, the N,S,V macro-F1, accuracy and S / V Se and +P of all its runs' beats together, and against the
// first prefix (the baseline) the runs it wins by N,S,V macro-F1 among the (fold, seed) pairs both have.
// Usage: node scripts/inter-cv-pool.mjs [--seeds 1,2] DIR BASELINE [PREFIX ...]   (after npm run build;
// --seeds: only the runs of these seeds)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { metricsFromConfusion } from "../dist/src/model/metrics.js";

const args = process.argv.slice(2);
const seedsAt = args.indexOf("--seeds");
const seeds = seedsAt < 0 ? null : new Set(args.splice(seedsAt, 2)[1]?.split(","));
const [dir, ...prefixes] = args;
if (!dir || prefixes.length === 0) {
  console.error("usage: node scripts/inter-cv-pool.mjs [--seeds 1,2] DIR BASELINE [PREFIX ...]");
  process.exit(2);
}
const CLASSES = ["N", "S", "V", "F", "Q"];
const nsvF1 = (m) => (m.perClass[0].f1 + m.perClass[1].f1 + m.perClass[2].f1) / 3;

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

const sum = (a, b) => a.map((row, i) => row.map((v, j) => v + b[i][j]));
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
  const m = metricsFromConfusion([...runs.values()].reduce(sum), CLASSES);
  const paired = [...runs].filter(([k]) => base.has(k));
  const wins = paired.filter(
    ([k, c]) => nsvF1(metricsFromConfusion(c, CLASSES)) > nsvF1(metricsFromConfusion(base.get(k), CLASSES)),
  ).length;
  const [n, s, v] = m.perClass;
  console.log(
    `| ${prefix} | ${runs.size} | ${pct(nsvF1(m))} | ${(100 * m.accuracy).toFixed(2)} | ${pct(n.sensitivity)} | ` +
      `${pct(s.sensitivity)} / ${pct(s.precision)} | ${pct(v.sensitivity)} / ${pct(v.precision)} | ` +
      `${prefix === prefixes[0] ? "" : `${wins} of ${paired.length}`} |`,
  );
}
