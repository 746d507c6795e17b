import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { testBundle } from "../../explain/cli-fixture.js";
import { runCli } from "../../../test/run-cli.js";

test("ensemble writes one model that classify and explain use; bad members get a one-line error", async () => {
  const [a, pair] = [await testBundle(), await testBundle({ morph: "pair" })];
  const root = mkdtempSync(join(tmpdir(), "av-ensemble-cli-"));
  try {
    const out = join(root, "e");
    const r = runCli(["ensemble", out, a, a, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const meta = JSON.parse(r.stdout) as { members: number; params: number };
    const single = JSON.parse(readFileSync(join(a, "model.json"), "utf8")) as { params: number };
    assert.equal(meta.members, 2);
    assert.equal(meta.params, 2 * single.params);
    const probs = (dir: string) => {
      const c = runCli(["classify", "samples/100", "--model", dir, "--beats", "atr", "--json"]);
      assert.equal(c.status, 0, c.stderr);
      return (JSON.parse(c.stdout) as { beats: { probs: Record<string, number> }[] }).beats.slice(0, 50);
    };
    // two copies of one net: the mean of their probabilities is the net's
    const [one, two] = [probs(a), probs(out)];
    one.forEach((b, i) => {
      for (const k of Object.keys(b.probs)) assert.ok(Math.abs(b.probs[k] - two[i].probs[k]) < 1e-5);
    });
    const x = runCli([
      "explain",
      "samples/100",
      "--beat",
      "2044",
      "--method",
      "gradcam",
      "--model",
      out,
      "--json",
    ]);
    assert.equal(x.status, 0, x.stderr);
    for (const [args, want] of [
      [["ensemble", join(root, "f"), a], /two or more members, not 1/],
      [["ensemble", join(root, "f"), a, pair], /differs from member 1 .* in morph/],
      [["ensemble", join(root, "f"), a, join(root, "none")], /not found/],
    ] as const) {
      const bad = runCli(args);
      assert.notEqual(bad.status, 0, args.join(" "));
      assert.match(bad.stderr, want);
      assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
      assert.ok(!existsSync(join(root, "f")), "no half-written model");
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    for (const d of [a, pair]) rmSync(dirname(d), { recursive: true, force: true });
  }
});
