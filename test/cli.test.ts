import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { BIN, runCli } from "./run-cli.js";

const run = (...args: string[]) => runCli(args);

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

test("a reader that stops early (| head) ends the command quietly with exit 0", () => {
  const r = spawnSync(
    "bash",
    [
      "-c",
      `set -o pipefail; ${JSON.stringify(process.execPath)} ${BIN} analyze samples/100 --json | head -c 10`,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
});
