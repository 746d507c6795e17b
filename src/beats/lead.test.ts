// Datasets read the MLII lead by name: records with swapped leads (mitdb 114) or without MLII (102, 104).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeLeadVariants } from "../../test/lead-records.js";
import { buildBeatDataset, type BeatDataset } from "./dataset.js";
import { PART_NAMES } from "./split.js";
import { wfdbSource } from "./wfdb-source.js";

let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "av-lead-"));
  await writeLeadVariants(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every kept window of `record`, by annotation sample. */
function windowsOf(d: BeatDataset, record: string): Map<number, Float32Array> {
  const out = new Map<number, Float32Array>();
  const len = d.windowLength;
  for (const p of PART_NAMES) {
    const part = d.parts[p];
    part.record.forEach((r, i) => {
      if (r === record) out.set(part.sample[i], part.x.slice(i * len, (i + 1) * len));
    });
  }
  return out;
}

const build = (lead?: string | number, cacheDir?: string) =>
  buildBeatDataset({ source: wfdbSource(dir), scheme: "paper", split: "intra", lead, cacheDir });

test("dataset: a record with swapped leads is read at its MLII signal, by name", async () => {
  const d = await build();
  assert.equal(d.lead, "MLII");
  const a = windowsOf(d, "a");
  assert.ok(a.size > 50, `${a.size} beats`);
  assert.deepEqual(windowsOf(d, "b"), a);
  const v5 = windowsOf(await build(0), "b");
  assert.equal(v5.size, a.size);
  assert.notDeepEqual(v5, a, "by number, b's signal 0 is V5");
  assert.deepEqual(windowsOf(await build(1), "b"), a);
});

test("dataset: a record without MLII falls back to signal 0 (V5) and is listed", async () => {
  const d = await build();
  assert.deepEqual(d.leadFallbacks, [{ record: "c", index: 0, name: "V5", wanted: "MLII", fellBack: true }]);
  assert.deepEqual(windowsOf(d, "c"), windowsOf(await build(0), "b"));
  assert.deepEqual((await build(0)).leadFallbacks, [], "a number never falls back");
});

test("dataset cache: the lead is part of the key and the fallbacks survive a cached load", async () => {
  const cache = mkdtempSync(join(tmpdir(), "av-lead-cache-"));
  try {
    const first = await build("MLII", cache);
    const again = await build("MLII", cache);
    assert.deepEqual(again.leadFallbacks, first.leadFallbacks);
    assert.deepEqual(windowsOf(again, "b"), windowsOf(first, "a"));
    const byIndex = await build(0, cache);
    assert.deepEqual(windowsOf(byIndex, "b"), windowsOf(first, "c"), "lead 0 is not served MLII's cache");
    assert.equal(
      readdirSync(cache).filter((f) => f.startsWith("beats-")).length,
      2,
      "one cache file per lead",
    );
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
