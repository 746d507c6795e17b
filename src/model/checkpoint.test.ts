import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";

test("a checkpoint round-trips its metadata and tensors exactly, through an atomic write", async () => {
  const dir = await mkdtemp(join(tmpdir(), "av-ckpt-"));
  try {
    const path = join(dir, "last.ckpt");
    const tensors = {
      "b0.dw.weight": Float32Array.from({ length: 7 }, (_, i) => i * 0.1 - 0.3),
      "stem.bn.mean": new Float32Array([NaN, Infinity, -0, 1e-38]),
      empty: new Float32Array(0),
    };
    const meta = { epoch: 3, history: [{ loss: 0.5 }], name: "é" };
    await saveCheckpoint(path, meta, tensors);
    assert.deepEqual(await readdir(dir), ["last.ckpt"]);
    const back = await loadCheckpoint<typeof meta>(path);
    assert.deepEqual(back.meta, meta);
    assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(tensors).sort());
    for (const [k, v] of Object.entries(tensors)) assert.deepEqual(back.tensors[k], v, k);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("a truncated or foreign file is refused with a clear message", async () => {
  const dir = await mkdtemp(join(tmpdir(), "av-ckpt-"));
  try {
    const path = join(dir, "c.ckpt");
    await saveCheckpoint(path, { a: 1 }, { w: new Float32Array(100) });
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 10));
    await assert.rejects(loadCheckpoint(path), /truncated/);
    await writeFile(path, "hello, not a checkpoint");
    await assert.rejects(loadCheckpoint(path), /not a checkpoint/);
  } finally {
    await rm(dir, { recursive: true });
  }
});
