import { test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BundleError, footprintKB, loadBundle, saveBundle, type SaveBundleInput } from "./bundle.js";

function input(overrides: Partial<SaveBundleInput["meta"]> = {}): SaveBundleInput {
  const w1 = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 3);
  const w2 = Float32Array.of(Math.PI, -0, 1e-30, Number.MAX_VALUE);
  return {
    meta: {
      name: "tiny",
      arch: "v2",
      scheme: "aami",
      classes: ["N", "S", "V", "F", "Q"],
      fs: 360,
      lead: 0,
      window: { before: 90, after: 166 },
      extraFeatures: ["preRR/localRR", "postRR/localRR"],
      extraScaling: { mean: [1, 1], std: [0.2, 0.3] },
      params: 12,
      training: { command: "arrhythmia-vision train --test", seed: 7, epochs: 1, split: "inter" },
      validation: { accuracy: 0.5, macroF1: 0.25 },
      ...overrides,
    },
    onnx: Uint8Array.from({ length: 300 }, (_, i) => i & 255),
    weights: { "stem.conv.w": w1, "stem.bn.mean": w2 },
    shapes: { "stem.conv.w": [3, 1, 4] },
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), "av-bundle-"));

test("saveBundle / loadBundle round trip keeps meta, ONNX bytes and every float exactly", async () => {
  const root = tmp();
  try {
    const dir = join(root, "models", "tiny");
    const inp = input();
    const meta = await saveBundle(dir, inp);
    assert.equal(meta.footprintKB, footprintKB(12));
    assert.equal(meta.onnxBytes, 300);
    assert.match(meta.dataCredit, /MIT-BIH/);
    assert.deepEqual(readdirSync(dir).sort(), ["model.json", "model.onnx", "weights.bin", "weights.json"]);
    const b = await loadBundle(dir);
    assert.deepEqual(b.meta, meta);
    assert.deepEqual(b.onnx, inp.onnx);
    assert.deepEqual(Object.keys(b.weights!), ["stem.conv.w", "stem.bn.mean"]);
    for (const k of Object.keys(inp.weights)) assert.deepEqual(b.weights![k], inp.weights[k]);
    assert.deepEqual(b.manifest.tensors[0].shape, [3, 1, 4]);
    assert.deepEqual(b.manifest.tensors[1], { name: "stem.bn.mean", shape: [4], offset: 12, length: 4 });
    // Saving again replaces the model and leaves no temporary directory behind.
    await saveBundle(dir, input({ name: "tiny2" }));
    assert.equal((await loadBundle(dir, { weights: false })).meta.name, "tiny2");
    assert.deepEqual(readdirSync(join(root, "models")), ["tiny"]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("footprintKB is params x 4 / 1024", () => {
  assert.equal(footprintKB(76857), 300.22265625);
  assert.equal(footprintKB(256), 1);
});

test("saveBundle refuses inconsistent input and writes nothing", async () => {
  const root = tmp();
  try {
    const dir = join(root, "m");
    await assert.rejects(saveBundle(dir, input({ classes: ["N"] })), /classes/);
    await assert.rejects(saveBundle(dir, input({ extraFeatures: ["heartRate"] })), /unknown feature/);
    await assert.rejects(saveBundle(dir, input({ params: 1000 })), /only 16/);
    const bad = input();
    bad.shapes = { "stem.conv.w": [5, 5] };
    await assert.rejects(saveBundle(dir, bad), /shape \[5, 5\] but 12 values/);
    assert.deepEqual(readdirSync(root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("loadBundle: missing, truncated and corrupt files are one clear BundleError each", async () => {
  const root = tmp();
  try {
    const dir = join(root, "m");
    const fresh = async () => {
      rmSync(dir, { recursive: true, force: true });
      await saveBundle(dir, input());
    };
    const fails = async (re: RegExp) => {
      const err = await loadBundle(dir).then(
        () => assert.fail("loaded a broken bundle"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof BundleError, String(err));
      assert.match(err.message, re);
      assert.ok(!err.message.includes("\n"));
    };
    await assert.rejects(loadBundle(join(root, "nope")), /model directory .*nope not found/);
    await fresh();
    unlinkSync(join(dir, "model.onnx"));
    await fails(/has no model\.onnx/);
    await fresh();
    truncateSync(join(dir, "model.onnx"), 100);
    await fails(/100 bytes but model\.json says 300/);
    await fresh();
    truncateSync(join(dir, "weights.bin"), 20);
    await fails(/20 bytes but the manifest lists 16 float32 values/);
    await fresh();
    writeFileSync(join(dir, "model.json"), "{ not json");
    await fails(/model\.json is not valid JSON/);
    await fresh();
    const meta = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "model.json"), JSON.stringify({ ...meta, scheme: "xyz" }));
    await fails(/scheme must be paper or aami/);
    await fresh();
    const man = JSON.parse(readFileSync(join(dir, "weights.json"), "utf8")) as {
      tensors: { shape: number[] }[];
    };
    man.tensors[0].shape = [2, 2];
    writeFileSync(join(dir, "weights.json"), JSON.stringify(man));
    await fails(/tensor stem\.conv\.w has shape \[2, 2\], length 12/);
    await fresh();
    unlinkSync(join(dir, "weights.bin"));
    await fails(/has no weights\.bin/);
    assert.equal((await loadBundle(dir, { weights: false })).weights, undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("model.json morph: absent (old bundles) or none/residual/pair round-trips; anything else is a BundleError", async () => {
  const root = tmp();
  try {
    const dir = join(root, "m");
    assert.equal((await saveBundle(dir, input())).morph, undefined);
    assert.ok(!("morph" in JSON.parse(readFileSync(join(dir, "model.json"), "utf8"))));
    assert.equal((await loadBundle(dir)).meta.morph, undefined);
    for (const morph of ["none", "residual", "pair"] as const) {
      await saveBundle(dir, input({ morph }));
      assert.equal((await loadBundle(dir)).meta.morph, morph);
    }
    const meta = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "model.json"), JSON.stringify({ ...meta, morph: "template" }));
    const err = await loadBundle(dir).then(
      () => assert.fail("loaded an unknown morph"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof BundleError);
    assert.match(err.message, /morph must be none, residual or pair \(or absent\), not "template"/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("model.json lead: a signal name (new models) or a signal number (old model.json files); else a BundleError", async () => {
  const root = tmp();
  try {
    const dir = join(root, "m");
    await saveBundle(dir, input({ lead: 0 }));
    assert.equal((await loadBundle(dir)).meta.lead, 0);
    await saveBundle(dir, input({ lead: "MLII" }));
    assert.equal((await loadBundle(dir)).meta.lead, "MLII");
    const meta = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as Record<string, unknown>;
    for (const lead of ["", "  ", -1, 1.5, null, ["MLII"]]) {
      writeFileSync(join(dir, "model.json"), JSON.stringify({ ...meta, lead }));
      await assert.rejects(loadBundle(dir), (e: unknown) => {
        assert.ok(e instanceof BundleError);
        assert.match(e.message, /lead must be a signal name or a signal number/);
        return true;
      });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
