// The explain CLI and test-time shifts. A model with testTimeShifts (the shipped inter models) is explained as
// classify predicts with it: the same class, the same probabilities. A model without (v1-paper-intra) gives
// byte for byte the output it gave before explanations knew of shifts (main at 84e35e9), and SHAP the output it
// gave before IG and SHAP integrated one shift per path (main at c937c50).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { runCli } from "./run-cli.js";

const sha256 = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

/** sha256 of `explain samples/100 --beat 2044 --method M --model models/v1-paper-intra --json` at 84e35e9. */
const BEFORE: Record<string, string> = {
  gradcam: "56d99e89351711a834c76e818eccd0ec274e4a4c58272c791a198a454dd64c1f",
  ig: "10d2da0b807d4aa6ff3f8050eb35791c932991f70e669cd8c668b68e5f0c4106",
  occlusion: "a0817879e63e59e653d1e8573d7600a7133869e124ea31c0af2edd106256c10a",
  // at c937c50 (SHAP's stopping rule changed after 84e35e9, c380e40)
  shap: "843b826cd70488c8ca7c8d5143950965fe504db6c607f8aa7d0d2ed57dcd41f7",
};
/** models/v1-paper-intra/weights.bin those outputs came from (b9deedd) */
const WEIGHTS = "454ff61c8d8a9764c113b3067f206bbdd75ecdaca0c849983deb893de376b0e3";
const retrained = sha256(readFileSync("models/v1-paper-intra/weights.bin")) !== WEIGHTS;

test(
  "a model without testTimeShifts: explain --json is byte-identical to before",
  { skip: retrained && "models/v1-paper-intra was re-trained: re-record BEFORE and WEIGHTS" },
  () => {
    for (const [method, want] of Object.entries(BEFORE)) {
      const args = ["explain", "samples/100", "--beat", "2044", "--method", method];
      const r = runCli([...args, "--model", "models/v1-paper-intra", "--json"]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(sha256(r.stdout), want, method);
    }
  },
);

interface Classified {
  beats: { sample: number; label: string; probs: Record<string, number> }[];
}

test("shipped v1-aami-inter (shifts -2, 0, 2): explain's class and probabilities are classify's", () => {
  const c = runCli([
    "classify",
    "samples/100",
    "--model",
    "models/v1-aami-inter",
    "--beats",
    "atr",
    "--json",
  ]);
  assert.equal(c.status, 0, c.stderr);
  const beats = (JSON.parse(c.stdout) as Classified).beats;
  // 2044: an S beat (S 0.788 shift-averaged, 0.986 unshifted); 582919: N for classify, S for the unshifted net
  for (const sample of [2044, 582919]) {
    const want = beats.find((b) => b.sample === sample)!;
    const args = ["explain", "samples/100", "--beat", String(sample), "--method", "ig"];
    const r = runCli([...args, "--model", "models/v1-aami-inter", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout) as { class: string; probs: Record<string, number> };
    assert.equal(o.class, want.label, `beat ${sample}`);
    for (const [k, p] of Object.entries(want.probs))
      assert.ok(Math.abs(o.probs[k] - p) <= 2e-6, `beat ${sample} ${k}: ${o.probs[k]} vs ${p}`);
  }
});
