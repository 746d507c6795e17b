import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecordSummary } from "../../analyze/index.js";
import { writeRecord } from "../../wfdb/index.js";
import { runCli } from "../../../test/run-cli.js";

// The default model (the shipped pair + recordRR inter model) on the bundled sample record.
interface AnalyzeJson {
  record: string;
  beatsFrom: string;
  causal?: false | { warmup: number; history: number };
  delay?: { beats: { median: number; p95: number; max: number }; seconds: { median: number; max: number } };
  summary: RecordSummary;
  beats: { sample: number; label: string; probs: Record<string, number>; edge?: boolean }[];
}

const analyze = (...args: string[]): AnalyzeJson => {
  const r = runCli(["analyze", "samples/100", "--json", ...args]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split("\n").length, 1);
  return JSON.parse(r.stdout) as AnalyzeJson;
};

test("analyze --stream: the same labels and summary as the whole record, plus when they came (at the end)", () => {
  const whole = analyze();
  const s = analyze("--stream");
  assert.equal(whole.delay, undefined);
  assert.deepEqual(
    s.beats.map((b) => `${b.sample}${b.label}`),
    whole.beats.map((b) => `${b.sample}${b.label}`),
  );
  assert.deepEqual(s.summary, whole.summary);
  assert.equal(s.causal, false);
  // A pair model labels at the end in exact mode: the first beat waited for the whole record.
  assert.ok(s.delay && s.delay.seconds.max > 1790, JSON.stringify(s.delay));
});

test("analyze --causal (implies --stream): every beat labelled a few beats later, the same JSON contract", () => {
  const whole = analyze();
  const c = analyze("--causal");
  assert.deepEqual(c.causal, { warmup: 10, history: 300 });
  assert.equal(c.record, "samples/100");
  assert.deepEqual(
    c.beats.map((b) => b.sample),
    whole.beats.map((b) => b.sample),
  );
  assert.equal(
    Object.values(c.summary.counts).reduce((a, b) => a + b, 0),
    c.beats.length,
  );
  const d = c.delay;
  assert.ok(d && d.beats.median >= 5 && d.beats.p95 <= 7 && d.beats.max <= 15, JSON.stringify(d));
  assert.ok(d.seconds.max < 20, JSON.stringify(d));
  const text = runCli(["analyze", "samples/100", "--stream", "--causal"]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /causal streaming: each label came \d+ beats \/ \d+\.\d s after its beat/);
});

test("analyze --causal on bad input: a flat record (no beat) and a missing one fail in one line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "av-analyze-causal-"));
  try {
    const lead = { format: 16, gain: 200, baseline: 0, units: "mV", description: "MLII" };
    await writeRecord(join(dir, "flat"), { fs: 360, signals: [lead] }, [new Int32Array(360 * 30)]);
    for (const rec of [join(dir, "flat"), join(dir, "missing")]) {
      const r = runCli(["analyze", rec, "--causal", "--json"]);
      assert.notEqual(r.status, 0);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    assert.match(runCli(["analyze", join(dir, "flat"), "--causal"]).stderr, /no beats found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
