// Benchmark: read all 48 mitdb records (format 212, 650,000 frames x 2 signals) through readRecord, against
// peers measured in the same run: the raw file read alone (I/O floor) and a vectorized numpy decoder (the
// approach of wfdb-python). Usage: npm run bench:wfdb [-- rounds]
import { readFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cpus } from "node:os";
import { readRecord } from "../src/wfdb/index.js";
import { MITDB } from "../test/shared.js";

const rounds = Number(process.argv[2] ?? 5);
const records = readFileSync(join(MITDB, "RECORDS"), "utf8").split(/\s+/).filter(Boolean);

async function msPerRecord(fn: (r: string) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < rounds; k++) {
    const t0 = performance.now();
    for (const r of records) await fn(r);
    times.push((performance.now() - t0) / records.length);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

await msPerRecord((r) => readRecord(join(MITDB, r))); // warm-up
const ours = await msPerRecord((r) => readRecord(join(MITDB, r)));
const ioFloor = await msPerRecord((r) => readFile(join(MITDB, r + ".dat")));
const py = spawnSync("python3", [join("bench", "wfdb_numpy_peer.py"), MITDB, String(rounds)], {
  encoding: "utf8",
});
const numpy = py.status === 0 ? (JSON.parse(py.stdout) as { msPerRecord: number; numpy: string }) : null;

console.log(
  `CPU: ${cpus()[0]?.model} x${cpus().length}, Node ${process.version}, ${records.length} records, median of ${rounds} rounds`,
);
console.log(`readRecord (header + decode + checksums): ${ours.toFixed(2)} ms/record`);
console.log(
  `raw readFile of the .dat (I/O floor):     ${ioFloor.toFixed(2)} ms/record  -> ours/floor = ${(ours / ioFloor).toFixed(2)}`,
);
if (numpy)
  console.log(
    `numpy ${numpy.numpy} vectorized 212 decode:  ${numpy.msPerRecord.toFixed(2)} ms/record  -> numpy/ours = ${(numpy.msPerRecord / ours).toFixed(2)}`,
  );
else console.log(`numpy peer unavailable: ${(py.stderr || py.error?.message || "").split("\n")[0]}`);
