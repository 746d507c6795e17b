import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MITDB, needShared } from "../../../test/shared.js";
import { runCli } from "../../../test/run-cli.js";

const run = (...args: string[]) => runCli(args);

test(
  "dataset --json prints class counts of every part; oversampling only grows training",
  { skip: needShared() },
  () => {
    const r = run(
      "dataset",
      "--scheme",
      "aami",
      "--split",
      "inter",
      "--json",
      "--data-dir",
      MITDB,
      "--no-cache",
    );
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout) as {
      classes: string[];
      records: number;
      counts: Record<"train" | "trainOversampled" | "val" | "test", Record<string, number>>;
    };
    assert.deepEqual(o.classes, ["N", "S", "V", "F", "Q"]);
    assert.equal(o.records, 44);
    const { train, trainOversampled: over, val, test: tst } = o.counts;
    const max = Math.max(...Object.values(train));
    for (const c of o.classes) {
      assert.ok(over[c] >= train[c]);
      if (train[c] > 0) assert.equal(over[c], Math.max(train[c], Math.ceil(0.25 * max)), c);
    }
    assert.ok(tst.N > 40_000 && val.N > 0);
  },
);

test(
  "dataset prints a table by default, and lists the records of a directory without RECORDS",
  { skip: needShared() },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "av-ds-"));
    try {
      for (const r of ["100", "118"])
        for (const ext of ["hea", "dat", "atr"])
          symlinkSync(join(MITDB, `${r}.${ext}`), join(dir, `${r}.${ext}`));
      const r = run("dataset", "--scheme", "paper", "--split", "intra", "--data-dir", dir, "--no-cache");
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^part\s+N\s+L\s+R\s+A\s+V\s+total$/m);
      assert.match(r.stdout, /^train oversampled\s+\d+/m);
      assert.match(r.stdout, /2 records/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

test("dataset rejects a bad scheme or split with one line and a non-zero exit", () => {
  for (const args of [
    ["--scheme", "nope", "--split", "intra"],
    ["--scheme", "paper", "--split", "nope"],
  ]) {
    const r = run("dataset", ...args, "--data-dir", MITDB);
    assert.notEqual(r.status, 0);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /must be/);
  }
  const r = run(
    "dataset",
    "--scheme",
    "paper",
    "--split",
    "intra",
    "--data-dir",
    "/nonexistent-dir",
    "--no-cache",
  );
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no annotated records/);
});
