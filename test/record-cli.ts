// For the CLI tests of template models (pair, residual): a private copy of samples/100, and classify,
// evaluate and analyze run on it through the CLI as a user would.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCHEMES, labelOf } from "../src/beats/index.js";
import { readAnnotations } from "../src/wfdb/index.js";
import { runCli } from "./run-cli.js";

export interface Beat {
  sample: number;
  label: string;
  probs: Record<string, number>;
  edge?: boolean;
}

/** A new temporary directory (name starting with `prefix`) holding samples/100's .hea, .dat and .atr. */
export function copyRecord100(prefix: string): string {
  const data = mkdtempSync(join(tmpdir(), prefix));
  for (const ext of ["hea", "dat", "atr"]) copyFileSync(`samples/100.${ext}`, join(data, `100.${ext}`));
  return data;
}

/** The beats of `classify <data>/100 --model <dir> --beats atr --json`, which must succeed. */
export function classifyBeats(data: string, dir: string): Beat[] {
  const r = runCli(["classify", join(data, "100"), "--model", dir, "--beats", "atr", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { beats: Beat[] }).beats;
}

/** The beats of `analyze <data>/100 --model <dir> --beats atr --json`, which must succeed. */
export function analyzeBeats(data: string, dir: string): Beat[] {
  const r = runCli(["analyze", join(data, "100"), "--model", dir, "--beats", "atr", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { beats: Beat[] }).beats;
}

/** The confusion of `--data-dir <data> evaluate --model <dir>` (no cache, speed or chart), which must succeed. */
export function evaluateConfusion(data: string, dir: string): number[][] {
  const r = runCli([
    ...["--data-dir", data, "evaluate", "--model", dir, "--no-cache", "--no-speed", "--no-chart", "--json"],
  ]);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { confusion: number[][] }).confusion;
}

/** classify's confusion over the beats evaluate scores: AAMI classes, window inside the record. */
export async function classifyConfusion(data: string, dir: string): Promise<number[][]> {
  const aami = SCHEMES.aami;
  const anns = (await readAnnotations(join(data, "100"), "atr")).filter((a) => labelOf(aami, a.symbol) >= 0);
  const truth = new Map(anns.map((a) => [a.sample, labelOf(aami, a.symbol)]));
  const confusion = aami.classes.map(() => aami.classes.map(() => 0));
  for (const b of classifyBeats(data, dir))
    if (!b.edge && truth.has(b.sample)) confusion[truth.get(b.sample)!][aami.classes.indexOf(b.label)]++;
  return confusion;
}
