import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { CONFORMANCE, MITDB, needShared } from "../../../test/shared.js";
import { runCli } from "../../../test/run-cli.js";

const run = (...args: string[]) => runCli(args);

test("read --digital --format json prints fs and every sample of every frame", { skip: needShared() }, () => {
  const r = run("read", join(CONFORMANCE, "test01_00s_frame"), "--digital", "--format", "json");
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { fs: number; signals: number[][] };
  assert.equal(o.fs, 500);
  assert.deepEqual(
    o.signals.map((s) => s.length),
    [4000, 8000, 4000],
  );
});

test("read: range, physical csv, json with invalid samples as null", { skip: needShared() }, () => {
  const csv = run("read", join(MITDB, "100"), "--from", "10", "--to", "12");
  assert.equal(csv.status, 0, csv.stderr);
  assert.equal(csv.stdout, "frame,MLII,V5\n10,-0.145,-0.085\n11,-0.15,-0.085\n");
  const skew = run("read", join(CONFORMANCE, "100skew"), "--from", "649998", "--format", "json");
  const o = JSON.parse(skew.stdout) as { signals: (number | null)[][] };
  assert.deepEqual(o.signals[1], [null, null]);
});

test("read and info fail with one line on a missing record or bad options", { skip: needShared() }, () => {
  for (const args of [
    ["read", join(CONFORMANCE, "wave_4")],
    ["read", "no/such/record"],
    ["read", join(MITDB, "100"), "--from", "-3"],
    ["read", join(MITDB, "100"), "--to", "999999999"],
    ["info", "no/such/record"],
  ]) {
    const r = run(...args);
    assert.notEqual(r.status, 0, args.join(" "));
    assert.match(r.stderr, /^arrhythmia-vision: .+\n$/);
  }
});

test("info prints every header field; --json the Header object", { skip: needShared() }, () => {
  const r = run("info", join(CONFORMANCE, "100skew"));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /frame frequency 360 Hz/);
  assert.match(r.stdout, /skew 3/);
  assert.match(r.stdout, /checksum 20052/);
  const j = JSON.parse(run("info", join(CONFORMANCE, "100_3chan"), "--json").stdout) as {
    nSignals: number;
    signals: { baseline: number; units: string }[];
  };
  assert.equal(j.nSignals, 3);
  assert.equal(j.signals[2].baseline, 1024);
});
