// How well the rhythm guard's flag (analyze's "irregularRhythm": rhythmIrregularity >= the model's threshold) marks
// atrial fibrillation and flutter: per beat, against the reference rhythm annotations of mitdb (`+` annotations
// "(AFIB" / "(AFL" in <record>.atr), on the reference beat positions. Prints, for DS1 (where the threshold was
// chosen), DS2 and all 48 records: AF/AFL beats flagged (Se), flagged beats in AF/AFL (+P), and the other beats
// flagged per rhythm (which rhythms the flag also catches). Reads nothing but the annotations.
// Usage (after npm run build): node scripts/rhythm-flag.mjs [--model models/v1-aami-inter] [DATA_DIR]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DS1,
  DS2,
  RR_DIM,
  RR_FEATURES,
  defaultDataDir,
  rrFeatures,
  wfdbSource,
} from "../dist/src/beats/index.js";
import { isBeatCode, readAnnotations } from "../dist/src/wfdb/index.js";

const args = process.argv.slice(2);
const at = args.indexOf("--model");
const modelDir = at < 0 ? "models/v1-aami-inter" : args.splice(at, 2)[1];
const guard = JSON.parse(readFileSync(join(modelDir, "model.json"), "utf8")).rhythmGuard;
if (!guard) {
  console.error(`${modelDir}: model.json has no rhythmGuard`);
  process.exit(2);
}
const dataDir = args[0] ?? defaultDataDir() ?? "../shared/mitdb";
const COL = RR_FEATURES.indexOf("rhythmIrregularity");
const isAF = (rhythm) => rhythm === "(AFIB" || rhythm === "(AFL";

/** Per beat of a record: its reference rhythm and whether the flag is up. */
async function beatsOf(record) {
  const anns = await readAnnotations(join(dataDir, record), "atr");
  let rhythm = "(N";
  const beats = [];
  for (const a of anns) {
    if (a.symbol === "+" && a.aux) rhythm = a.aux.replace(/\0/g, "").trim();
    if (isBeatCode(a.code)) beats.push({ sample: a.sample, rhythm });
  }
  // rhythmIrregularity is a ratio of intervals: the sampling rate passed does not change it
  const rr = rrFeatures(
    beats.map((b) => b.sample),
    360,
  );
  return beats.map((b, i) => ({ rhythm: b.rhythm, flag: rr[i * RR_DIM + COL] >= guard.threshold }));
}

if (!existsSync(dataDir)) {
  console.error(`no mitdb directory at ${dataDir} (give DATA_DIR)`);
  process.exit(2);
}
const records = await wfdbSource(dataDir).records();
const perRecord = new Map();
for (const r of records) perRecord.set(r, await beatsOf(r));

const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : "-");
function report(name, list) {
  const beats = list.flatMap((r) => perRecord.get(r) ?? []);
  const af = beats.filter((b) => isAF(b.rhythm));
  const flagged = beats.filter((b) => b.flag);
  const tp = af.filter((b) => b.flag).length;
  const others = new Map();
  for (const b of beats.filter((x) => !isAF(x.rhythm))) {
    const o = others.get(b.rhythm) ?? [0, 0];
    others.set(b.rhythm, [o[0] + 1, o[1] + (b.flag ? 1 : 0)]);
  }
  console.log(
    `${name}: ${beats.length} beats, ${af.length} in AFIB/AFL; flagged ${flagged.length}: ` +
      `AF Se ${pct(tp, af.length)} %, +P ${pct(tp, flagged.length)} %, other beats flagged ` +
      `${pct(flagged.length - tp, beats.length - af.length)} %`,
  );
  const rows = [...others].sort((a, b) => b[1][1] - a[1][1]).filter(([, [, f]]) => f > 0);
  console.log(
    `  flagged outside AF/AFL: ${rows.map(([r, [n, f]]) => `${r} ${f}/${n}`).join(", ") || "none"}`,
  );
  const recs = list
    .map((r) => [r, perRecord.get(r) ?? []])
    .filter(([, b]) => b.some((x) => x.flag || isAF(x.rhythm)))
    .map(([r, b]) => `${r} ${b.filter((x) => isAF(x.rhythm)).length}/${b.filter((x) => x.flag).length}`);
  console.log(`  records (AF beats / flagged beats): ${recs.join(", ")}`);
}
console.log(`flag: rhythmIrregularity >= ${guard.threshold} (${modelDir}), reference beats of ${dataDir}`);
report("DS1", DS1);
report("DS2", DS2);
report("all records", records);
