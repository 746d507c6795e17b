import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

const bin = "dist/src/cli/main.js";
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

test("--help lists the program and exits 0", () => {
  const r = run("--help");
  assert.equal(r.status, 0);
  assert.match(r.stdout, /arrhythmia-vision/);
});

test("an unknown command exits non-zero with a one-line error and no stack trace", () => {
  const r = run("no-such-command");
  assert.notEqual(r.status, 0);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
