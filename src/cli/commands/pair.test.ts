// A pair model (morph "pair": two input channels, the beat and the beat minus its record's median beat)
// through the CLI: classify, evaluate and analyze feed it training's inputs, computed here independently
// from the record's training table (extractRecordBeats, medianTemplate, morphInput), as train does.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  DEFAULT_WINDOW,
  extractRecordBeats,
  medianTemplate,
  morphInput,
  windowLength,
  wfdbSource,
} from "../../beats/index.js";
import { selectExtra, type ModelMeta } from "../../model/index.js";
import { createSession, loadOrt } from "../../model/engine/runtime.js";
import { trainTinyModel } from "../../../test/tiny-model.js";
import { runCli } from "../../../test/run-cli.js";
import * as record100 from "../../../test/record-cli.js";

let model: string;
let meta: ModelMeta;
let data: string;

before(async () => {
  ({ dir: model, meta } = await trainTinyModel({
    name: "tiny-pair",
    morph: "pair",
    steps: 64,
    balanced: true,
  }));
  assert.equal(meta.morph, "pair");
  data = record100.copyRecord100("av-pair-");
});

after(() => {
  rmSync(dirname(model), { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

const classify = (dir: string) => record100.classifyBeats(data, dir);

/** The net's probabilities on the record's training rows, the second channel the row minus `template`. */
async function trainingProbs(template?: Float32Array) {
  const len = windowLength(DEFAULT_WINDOW);
  const table = await extractRecordBeats(wfdbSource(data), "100", {
    lead: 0,
    window: DEFAULT_WINDOW,
    fs: 360,
  });
  const t = template ?? medianTemplate(table.x, len);
  const x = morphInput(table.x, len, () => t, "pair");
  const n = table.sample.length;
  const extra = selectExtra(table.rr, meta)!;
  const { Tensor } = await loadOrt();
  const session = await createSession(readFileSync(join(model, "model.onnx")));
  const out = await session.run({
    x: new Tensor("float32", x, [n, 2, len]),
    extra: new Tensor("float32", extra, [n, extra.length / n]),
  });
  await session.release();
  return { sample: table.sample, probs: out.probs.data as Float32Array };
}

test("classify --beats atr: every beat inside the record gets exactly training's two-channel input", async () => {
  const beats = classify(model);
  const at = new Map(beats.map((b) => [b.sample, b]));
  const k = meta.classes.length;
  const check = (want: { sample: Int32Array; probs: Float32Array }) => {
    let worst = 0;
    want.sample.forEach((s, i) => {
      const b = at.get(s)!;
      assert.ok(b && !b.edge, `beat ${s}`);
      meta.classes.forEach((c, j) => (worst = Math.max(worst, Math.abs(b.probs[c] - want.probs[i * k + j]))));
    });
    return worst;
  };
  const own = await trainingProbs();
  assert.ok(own.sample.length > 2000);
  // Probabilities are printed with 6 decimals.
  assert.ok(check(own) < 2e-6, `largest difference ${check(own)}`);
  // The template is really used: the beat twice (a zero template) gives other probabilities.
  const zero = await trainingProbs(new Float32Array(windowLength(DEFAULT_WINDOW)));
  assert.ok(check(zero) > 1e-3, `the template changed nothing (${check(zero)})`);
  assert.ok(beats.filter((b) => b.label === "S").length > 10);
});

test("evaluate agrees with classify --beats atr beat for beat (the scorecard's comparison)", async () => {
  const confusion = await record100.classifyConfusion(data, model);
  assert.deepEqual(record100.evaluateConfusion(data, model), confusion);
  // Not a trivial agreement: the net tells classes apart.
  assert.ok(confusion.filter((row, i) => row[i] > 0).length >= 2);
});

test("evaluate --speed times the two-channel input", () => {
  const r = runCli(["--data-dir", data, "evaluate", "--model", model, "--no-cache", "--no-chart", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const ev = JSON.parse(r.stdout) as { latencyMsBatch1: number; throughputBatch256: number };
  assert.ok(ev.latencyMsBatch1 > 0 && ev.throughputBatch256 > 0);
});

test("analyze --beats atr: the same labels and probabilities as classify", () => {
  assert.deepEqual(record100.analyzeBeats(data, model), classify(model));
});

test("a model.json whose morph disagrees with model.onnx's input channels is one clear error", () => {
  const other = join(dirname(model), "one-channel");
  cpSync(model, other, { recursive: true });
  const m = JSON.parse(readFileSync(join(model, "model.json"), "utf8")) as Record<string, unknown>;
  for (const morph of ["residual", undefined]) {
    writeFileSync(join(other, "model.json"), JSON.stringify({ ...m, morph }));
    const r = runCli(["classify", join(data, "100"), "--model", other, "--beats", "atr", "--json"]);
    assert.notEqual(r.status, 0);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(
      r.stderr,
      /takes input x of shape \[batch, 2, 256\]; model\.json .* gives beats of \[N, 1, 256\]/,
    );
  }
});
