// How well the rhythm guard's flag (analyze's "irregularRhythm": the beats on which the model's guard rules S out,
// rhythmIrregularity >= its threshold and, with atrialBelow / qrsBelow, atrialConsistency or qrsMatch below those;
// with entropyAbove, also wherever rhythmEntropy reaches it)
// marks atrial fibrillation and flutter: per beat, against the reference rhythm annotations of mitdb (`+`
// annotations "(AFIB" / "(AFL" in <record>.atr), on the reference beat positions, with the windows classify cuts (the MLII lead). Prints, for DS1
// (where the guard was chosen), DS2 and all 48 records: AF/AFL beats flagged (Se), flagged beats in AF/AFL (+P), and
// the other beats flagged per rhythm (which rhythms the flag also catches). Runs no net.
// Usage (after npm run build): node scripts/rhythm-flag.mjs [--model models/v1-aami-inter] [DATA_DIR]
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_LEAD, DS1, DS2, defaultDataDir, readLeadMv, wfdbSource } from "../dist/src/beats/index.js";
import { applyGuard, beatInputs, beatMatchesOf, loadBundle } from "../dist/src/model/index.js";
import { isBeatCode, readAnnotations } from "../dist/src/wfdb/index.js";

const args = process.argv.slice(2);
const at = args.indexOf("--model");
const modelDir = at < 0 ? "models/v1-aami-inter" : args.splice(at, 2)[1];
const { meta } = await loadBundle(modelDir, { weights: false });
const guard = meta.rhythmGuard;
if (!guard) {
  console.error(`${modelDir}: model.json has no rhythmGuard`);
  process.exit(2);
}
const dataDir = args[0] ?? defaultDataDir() ?? "../shared/mitdb";
const isAF = (rhythm) => rhythm === "(AFIB" || rhythm === "(AFL";

/** Per beat of a record: its reference rhythm and whether the flag is up. */
async function beatsOf(record) {
  const path = join(dataDir, record);
  const anns = await readAnnotations(path, "atr");
  let rhythm = "(N";
  const beats = [];
  for (const a of anns) {
    if (a.symbol === "+" && a.aux) rhythm = a.aux.replace(/\0/g, "").trim();
    if (isBeatCode(a.code)) beats.push({ sample: a.sample, rhythm });
  }
  const { signal, fs } = await readLeadMv(path, DEFAULT_LEAD);
  const inputs = beatInputs(
    signal,
    fs,
    beats.map((b) => b.sample),
    meta,
  );
  const k = meta.classes.length;
  const uniform = new Float32Array(beats.length * k).fill(1 / k);
  const { ruledOut } = applyGuard(uniform, meta.classes, inputs.rr, guard, beatMatchesOf(meta, inputs));
  return beats.map((b, i) => ({ rhythm: b.rhythm, flag: ruledOut[i] === 1 }));
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
const parts = [
  guard.atrialBelow === undefined
    ? ""
    : `atrialConsistency (lags 1-${guard.atrialLags ?? 1}) < ${guard.atrialBelow}`,
  guard.qrsBelow === undefined ? "" : `qrsMatch < ${guard.qrsBelow}`,
].filter(Boolean);
const more = parts.length ? ` and (${parts.join(" or ")})` : "";
const entropy = guard.entropyAbove === undefined ? "" : `rhythmEntropy >= ${guard.entropyAbove} or `;
console.log(
  `flag: ${entropy}rhythmIrregularity >= ${guard.threshold}${more} (${modelDir}), reference beats of ${dataDir}`,
);
report("DS1", DS1);
report("DS2", DS2);
report("all records", records);
