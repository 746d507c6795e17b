// Benchmark: build the paper/intra beat dataset from all 48 mitdb records (~100k windows of 256 float32),
// without and with the cache, against the floor measured in the same run: reading lead 0 and the .atr of
// every record through src/wfdb alone. Usage: npm run bench:beats [-- rounds]
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { buildBeatDataset, wfdbSource } from "../src/beats/index.js";
import { readAnnotations, readRecord } from "../src/wfdb/index.js";
import { MITDB } from "../test/shared.js";

const rounds = Number(process.argv[2] ?? 3);
const source = wfdbSource(MITDB);
const records = await source.records();
const cacheDir = await mkdtemp(join(tmpdir(), "av-bench-beats-"));

async function median(fn: () => Promise<unknown>): Promise<number> {
  const t: number[] = [];
  for (let k = 0; k < rounds; k++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
}

const build = (cache?: string) =>
  buildBeatDataset({ source, scheme: "paper", split: "intra", cacheDir: cache });
const d = await build(); // warm-up, and the size of the result
const beats = d.parts.train.y.length + d.parts.val.y.length + d.parts.test.y.length;
const floor = await median(async () => {
  for (const r of records) {
    await readRecord(join(MITDB, r), { signals: [0] });
    await readAnnotations(join(MITDB, r), "atr");
  }
});
const fresh = await median(() => build());
await build(cacheDir); // writes the cache
const cached = await median(() => build(cacheDir));
await rm(cacheDir, { recursive: true });

console.log(
  `CPU: ${cpus()[0]?.model} x${cpus().length}, Node ${process.version}, median of ${rounds} rounds`,
);
console.log(`${records.length} records -> ${beats} beats x ${d.windowLength} float32 (paper/intra)`);
console.log(`read lead 0 + .atr of every record (floor): ${floor.toFixed(0)} ms`);
console.log(
  `buildBeatDataset, no cache:                  ${fresh.toFixed(0)} ms  -> /floor = ${(fresh / floor).toFixed(2)}`,
);
console.log(
  `buildBeatDataset, from the cache:            ${cached.toFixed(0)} ms  -> /floor = ${(cached / floor).toFixed(2)}`,
);
