import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { resolveRecord } from "./resolve.js";

test("resolveRecord finds a record by path, in --data-dir and in the env var", () => {
  const dir = mkdtempSync(join(tmpdir(), "av-resolve-"));
  writeFileSync(join(dir, "rec.hea"), "rec 1 360 10\n");
  assert.equal(resolveRecord(join(dir, "rec")), join(dir, "rec"));
  assert.equal(resolveRecord(join(dir, "rec.hea")), join(dir, "rec"));
  assert.equal(resolveRecord("rec", dir, {}), join(dir, "rec"));
  assert.equal(resolveRecord("rec", undefined, { ARRHYTHMIA_VISION_DATA: dir }), join(dir, "rec"));
  assert.equal(resolveRecord("nope", dir, {}), "nope");
});
