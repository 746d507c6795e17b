// A residual model (morph "residual": each beat minus its record's median beat) through the CLI: classify,
// evaluate and analyze feed it training's inputs, and the residual is really applied.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { trainTinyModel } from "../../../test/tiny-model.js";
import * as record100 from "../../../test/record-cli.js";

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
  data = record100.copyRecord100("av-residual-");
});

after(() => {
  rmSync(dirname(model), { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

const classify = (dir: string) => record100.classifyBeats(data, dir);

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
  const ev = record100.evaluateConfusion(data, model);
  // classify's confusion over the beats evaluate scores: AAMI classes, window inside the record.
  assert.deepEqual(ev, await record100.classifyConfusion(data, model));
  // ... and the plain net scores otherwise: evaluate did subtract the templates.
  assert.notDeepEqual(record100.evaluateConfusion(data, plain), ev);
});

test("analyze --beats atr: the same labels and probabilities as classify", () => {
  assert.deepEqual(record100.analyzeBeats(data, model), classify(model));
});
