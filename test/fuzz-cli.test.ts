// The CLI on broken records: every failure is one line on stderr and a non-zero exit, never a stack trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import fc from "fast-check";
import { MITDB, needShared } from "./shared.js";
import { arbMutatedHeader, seedHeaders } from "./fuzz/header-props.js";
import { runCli } from "./run-cli.js";

const run = (...args: string[]) => runCli(args, 30_000);

function assertCleanOutcome(args: string[], what: string) {
  const r = run(...args);
  assert.notEqual(r.status, null, `${what}: killed (hang?)`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: stack trace`);
  if (r.status !== 0) {
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
    assert.match(lines[0], /^arrhythmia-vision: \S/, what);
  }
  return r;
}

test("info and read on broken records fail with one line and a non-zero exit", { skip: needShared() }, () => {
  const dir = mkdtempSync(join(tmpdir(), "av-fuzzcli-"));
  const hea = readFileSync(join(MITDB, "100.hea"), "latin1");
  const dat = readFileSync(join(MITDB, "100.dat"));
  const cases: Record<string, [string, Uint8Array | string | null]> = {
    truncated: [hea, dat.subarray(0, 1000)],
    huge: [hea.replace("650000", "99999999999999999999"), dat],
    segments: ["100/4294967296 360\n", null],
    gain: [hea.replace(" 200 ", " 1e400 "), dat],
    format: [hea.replace(/ 212 /g, " 999 "), dat],
    flac: [hea.replace(/ 212 /g, " 516 "), dat.subarray(0, 3000)],
    binary: ["\u0000\u0001\u00ff 2 x\n", dat],
    multi: ["m/2 360\n100 4503599627370496\n~ 10\n", null],
    missing: [hea, null],
  };
  for (const [name, [header, body]] of Object.entries(cases)) {
    const d = join(dir, name);
    mkdirSync(d);
    writeFileSync(join(d, "100.hea"), header);
    if (name === "multi") {
      writeFileSync(join(d, "m.hea"), header);
      writeFileSync(join(d, "100.hea"), hea);
      writeFileSync(join(d, "100.dat"), dat.subarray(0, 300));
    } else if (body) writeFileSync(join(d, "100.dat"), body);
    const rec = join(d, name === "multi" ? "m" : "100");
    for (const args of [
      ["info", rec],
      ["read", rec, "--to", "5"],
      ["read", rec, "--format", "json"],
    ]) {
      // info only needs the header and read --to 5 only the first frames: they may succeed where a
      // full read must fail.
      const r = assertCleanOutcome(args, `${name} ${args.join(" ")}`);
      if (args.includes("json")) assert.notEqual(r.status, 0, `${name} ${args.join(" ")}: accepted`);
    }
  }
});

test("info on randomly mutated headers: a result or one clean error line", () => {
  const dir = mkdtempSync(join(tmpdir(), "av-fuzzcli-"));
  const texts = fc.sample(arbMutatedHeader(seedHeaders()), { numRuns: 15, seed: 42 });
  texts.forEach((t, i) => {
    const d = join(dir, `h${i}`);
    mkdirSync(d);
    writeFileSync(join(d, "r.hea"), t);
    assertCleanOutcome(["info", join(d, "r")], `header ${JSON.stringify(t.slice(0, 60))}`);
  });
});
