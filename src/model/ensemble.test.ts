import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARCHS, arrhythmiNet } from "./arrhythminet.js";
import { BundleError, loadBundle, saveBundle, type ModelMetaInput } from "./bundle.js";
import { openClassifier } from "./classify.js";
import { inferenceGraph } from "./engine/build.js";
import { initWeights, specsOf, type Ctx, type Weights } from "./engine/module.js";
import { mulberry32, uniformArray } from "./engine/rng.js";
import { writeEnsemble } from "./ensemble.js";

const IO = { input: [2, 256] as const, extraFeatures: 2, numClasses: 3 };
const net = arrhythmiNet(ARCHS.v1h, IO.numClasses);
const META: ModelMetaInput = {
  name: "member",
  arch: "v1h",
  scheme: "aami",
  classes: ["N", "S", "V"],
  fs: 360,
  lead: "MLII",
  window: { before: 90, after: 166 },
  extraFeatures: ["preRR/localRR", "postRR/localRR"],
  morph: "pair",
  testTimeShifts: [-2, 0, 2],
  params: 0,
  training: { command: "test", seed: 0, epochs: 0, split: "inter" },
  validation: {},
};

/** A member with random weights (seed) and model.json fields `meta`. */
async function member(root: string, seed: number, meta: Partial<ModelMetaInput> = {}): Promise<string> {
  const trace = (ctx: Ctx) =>
    net(ctx, ctx.g.input("x", [1, ...IO.input]), ctx.g.input("extra", [1, IO.extraFeatures]));
  const weights: Weights = initWeights(trace, mulberry32(seed));
  const dir = join(root, `m${seed}`);
  const count = specsOf(trace).params.reduce((n, s) => n + weights[s.name].length, 0);
  await saveBundle(dir, {
    meta: { ...META, params: count, training: { ...META.training, seed }, ...meta },
    onnx: inferenceGraph(net, IO, weights),
    weights,
  });
  return dir;
}

test("an ensemble's probabilities are the mean of its members', within V1's budget for two v1h nets", async () => {
  const root = mkdtempSync(join(tmpdir(), "av-ensemble-"));
  const dirs = [await member(root, 1), await member(root, 2)];
  const meta = await writeEnsemble(dirs, join(root, "e"), "test command");
  assert.equal(meta.members, 2);
  assert.equal(meta.arch, "v1h");
  assert.deepEqual(meta.testTimeShifts, [-2, 0, 2]);
  assert.equal(meta.training.command, "test command");
  const single = (await loadBundle(dirs[0])).meta.params;
  assert.equal(meta.params, 2 * single);
  assert.ok(meta.footprintKB <= 302.18, `${meta.footprintKB} KB`);
  const rng = mulberry32(9);
  const n = 7;
  const x = uniformArray(rng, n * 2 * 256, -2, 2);
  const extra = uniformArray(rng, n * 2, 0.5, 1.5);
  const probs = async (dir: string) => {
    const c = await openClassifier(dir, { threads: 1 });
    const p = await c.predict(x, extra);
    await c.release();
    return p;
  };
  const [a, b, e] = [await probs(dirs[0]), await probs(dirs[1]), await probs(join(root, "e"))];
  let diff = 0;
  e.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - (a[i] + b[i]) / 2))));
  assert.ok(diff < 1e-5, `max |ensemble - mean of members| = ${diff}`);
  assert.ok(
    a.some((v, i) => Math.abs(v - b[i]) > 1e-3),
    "the members differ",
  );
});

test("an ensemble refuses members that read other inputs or decide otherwise after the net", async () => {
  const root = mkdtempSync(join(tmpdir(), "av-ensemble-"));
  const one = await member(root, 1);
  const out = join(root, "e");
  await assert.rejects(writeEnsemble([one], out), /two or more members, not 1/);
  const otherShifts = await member(root, 2, { testTimeShifts: [0] });
  await assert.rejects(
    writeEnsemble([one, otherShifts], out),
    /member 2 \(member\) differs .* in testTimeShifts/,
  );
  const otherLead = await member(root, 3, { lead: "V1" });
  await assert.rejects(writeEnsemble([one, otherLead], out), /in lead/);
  await writeEnsemble([one, await member(root, 4)], out);
  await assert.rejects(writeEnsemble([out, one], join(root, "e2")), /member 1 \(e\) is an ensemble itself/);
  await assert.rejects(writeEnsemble([one, join(root, "missing")], join(root, "e3")), BundleError);
});
