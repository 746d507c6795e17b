import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readAnnotations } from "../../wfdb/index.js";
import { CONFORMANCE, needShared } from "../../../test/shared.js";
import { runCli } from "../../../test/run-cli.js";

const run = (...args: string[]) => runCli(args);

function sampleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "av-detect-"));
  for (const ext of ["hea", "dat", "atr"]) copyFileSync(`samples/100.${ext}`, join(dir, `100.${ext}`));
  return dir;
}

test("detect writes <record>.qrs and --json prints record and ascending samples; score-qrs scores it", async () => {
  const dir = sampleCopy();
  try {
    const rec = join(dir, "100");
    const r = run("detect", rec, rec, "--json");
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 2);
    const o = JSON.parse(lines[0]) as { record: string; samples: number[] };
    assert.equal(o.record, rec);
    assert.ok(o.samples.length > 2200 && o.samples.length < 2300);
    assert.ok(o.samples.every((s, i) => i === 0 || s > o.samples[i - 1]));
    const written = await readAnnotations(rec, "qrs");
    assert.deepEqual(
      written.map((a) => a.sample),
      o.samples,
    );
    assert.deepEqual(readdirSync(dir).sort(), ["100.atr", "100.dat", "100.hea", "100.qrs"]);

    const s = run("score-qrs", rec, "--ref", "atr", "--test", "qrs", "--json");
    assert.equal(s.status, 0, s.stderr);
    const sc = JSON.parse(s.stdout) as { gross: { whole: { se: number; ppv: number; tp: number } } };
    assert.ok(sc.gross.whole.se > 99.5 && sc.gross.whole.ppv > 99.5);
    const table = run("score-qrs", rec, "--exclude-vf");
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /gross/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("detect --summary prints beats, heart rate and Se/+P without writing a file", () => {
  const dir = sampleCopy();
  try {
    const r = run("detect", join(dir, "100"), "--summary");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\d+ beats in 30\.1 min/);
    assert.match(r.stdout, /mean heart rate \d+\.\d bpm/);
    assert.match(r.stdout, /Se \d+\.\d\d %, \+P \d+\.\d\d %/);
    assert.equal(existsSync(join(dir, "100.qrs")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("detect and score-qrs fail with one line on bad input", () => {
  for (const args of [
    ["detect", "no/such/record"],
    ["detect", "samples/100", "--lead", "7", "--no-write"],
    ["detect", "samples/100", "--lead", " ", "--no-write"],
    ["detect", "samples/100", "--out-ext", "atr"],
    ["score-qrs", "samples/100", "--test", "nosuchext"],
    ["score-qrs", "samples/100", "--window", "5"],
  ]) {
    const r = run(...args);
    assert.notEqual(r.status, 0, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test("detect --lead takes a signal name: V5 is signal 1; an unknown name reads signal 0 and says so", () => {
  const json = (...lead: string[]) => {
    const r = run("detect", "samples/100", ...lead, "--no-write", "--json");
    assert.equal(r.status, 0, r.stderr);
    return {
      out: JSON.parse(r.stdout) as { lead: number; leadName: string; samples: number[] },
      err: r.stderr,
    };
  };
  const byName = json("--lead", "v5");
  const byNumber = json("--lead", "1");
  assert.equal(byName.out.lead, 1);
  assert.equal(byName.out.leadName, "V5");
  assert.deepEqual(byName.out.samples, byNumber.out.samples);
  assert.equal(byName.err, "");
  const missing = json("--lead", "aVR");
  assert.equal(missing.out.lead, 0);
  assert.equal(missing.out.leadName, "MLII");
  assert.match(
    missing.err,
    /warning: samples\/100 has no signal named "aVR": read signal 0 \(MLII\) instead/,
  );
  assert.deepEqual(missing.out.samples, json().out.samples);
});

test(
  "detect maps a multi-frequency lead (2 samples per frame) to frame numbers",
  { skip: needShared() },
  () => {
    const rec = join(CONFORMANCE, "test01_00s_frame");
    const frames = (lead: number) => {
      const r = run("detect", rec, "--lead", String(lead), "--no-write", "--json");
      assert.equal(r.status, 0, r.stderr);
      return (JSON.parse(r.stdout) as { fs: number; samples: number[] }).samples;
    };
    const single = frames(2);
    const double = frames(1);
    assert.ok(single.length >= 10);
    assert.ok(double.every((s) => s >= 0 && s < 4000));
    for (const s of single)
      assert.ok(
        double.some((d) => Math.abs(d - s) <= 3),
        `beat at frame ${s}`,
      );
  },
);
