// A residual model (morph "residual": each beat minus its record's median beat) through the CLI: classify,
// evaluate and analyze feed it training's inputs, and the residual is really applied.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { SCHEMES, labelOf } from "../../beats/index.js";
import { readAnnotations } from "../../wfdb/index.js";
import { trainTinyModel } from "../../../test/tiny-model.js";
import { runCli } from "../../../test/run-cli.js";

interface Beat {
  sample: number;
  label: string;
  probs: Record<string, number>;
  edge?: boolean;
}

let model: string;
let plain: string;
let data: string;

before(async () => {
  model = (await trainTinyModel({ name: "tiny-residual", morph: "residual", steps: 64, balanced: true })).dir;
  // The same net, its model.json without morph: it sees the beats themselves.
  plain = join(dirname(model), "plain");
  cpSync(model, plain, { recursive: true });
  const meta = JSON.parse(readFileSync(join(model, "model.json"), "utf8")) as Record<string, unknown>;
  assert.equal(meta.morph, "residual");
  delete meta.morph;
  writeFileSync(join(plain, "model.json"), JSON.stringify(meta));
  data = mkdtempSync(join(tmpdir(), "av-residual-"));
  for (const ext of ["hea", "dat", "atr"]) copyFileSync(`samples/100.${ext}`, join(data, `100.${ext}`));
});

after(() => {
  rmSync(dirname(model), { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

const classify = (dir: string): Beat[] => {
  const r = runCli(["classify", join(data, "100"), "--model", dir, "--beats", "atr", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { beats: Beat[] }).beats;
};

test("classify: the residual is applied (the same net without morph gives other probabilities)", () => {
  const res = classify(model);
  const raw = classify(plain);
  assert.equal(res.length, raw.length);
  const differ = res.filter((b, i) => b.label !== raw[i].label).length;
  assert.ok(differ > 20, `${differ} of ${res.length} labels differ`);
  // Trained on residuals of record 100, the net tells its S beats from its N beats only so.
  assert.ok(res.filter((b) => b.label === "S").length > 10);
});

test("evaluate agrees with classify --beats atr beat for beat (the scorecard's comparison)", async () => {
  const r = runCli([
    ...["--data-dir", data, "evaluate", "--model", model, "--no-cache", "--no-speed", "--no-chart", "--json"],
  ]);
  assert.equal(r.status, 0, r.stderr);
  const ev = JSON.parse(r.stdout) as { confusion: number[][]; classes: string[] };
  // classify's confusion over the beats evaluate scores: AAMI classes, window inside the record.
  const aami = SCHEMES.aami;
  const anns = (await readAnnotations(join(data, "100"), "atr")).filter((a) => labelOf(aami, a.symbol) >= 0);
  const truth = new Map(anns.map((a) => [a.sample, labelOf(aami, a.symbol)]));
  const confusion = aami.classes.map(() => aami.classes.map(() => 0));
  for (const b of classify(model))
    if (!b.edge && truth.has(b.sample)) confusion[truth.get(b.sample)!][aami.classes.indexOf(b.label)]++;
  assert.deepEqual(ev.confusion, confusion);
  // ... and the plain net scores otherwise: evaluate did subtract the templates.
  const p = runCli([
    ...["--data-dir", data, "evaluate", "--model", plain, "--no-cache", "--no-speed", "--no-chart", "--json"],
  ]);
  assert.equal(p.status, 0, p.stderr);
  assert.notDeepEqual((JSON.parse(p.stdout) as { confusion: number[][] }).confusion, ev.confusion);
});

test("analyze --beats atr: the same labels and probabilities as classify", () => {
  const r = runCli(["analyze", join(data, "100"), "--model", model, "--beats", "atr", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { beats: Beat[] };
  assert.deepEqual(o.beats, classify(model));
});
