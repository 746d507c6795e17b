// Benchmark of the QRS detector. Usage: npm run bench:qrs
// 1. Every mitdb record, lead 0, read + detect in-process: median and total time per record, and the
//    accuracy (Se/+P, whole record and from minute 5, with and without VF episodes).
// 2. A synthetic 24-hour 2-lead record (mitdb records concatenated) streamed in 10-s chunks through one
//    QrsStream per lead, in a child process so that its peak RSS is its own.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isBeatCode, readAnnotations, readHeader, readRecord, toPhysical } from "../src/wfdb/index.js";
import {
  detectQrs,
  grossScore,
  QrsStream,
  resample,
  scoreBeats,
  vfEpisodes,
  type BeatScore,
} from "../src/signal/index.js";
import { MITDB } from "../test/shared.js";

const records = readFileSync(join(MITDB, "RECORDS"), "utf8").split(/\s+/).filter(Boolean);
/** wfdb-python's xqrs on one 30-min mitdb record on this machine class: a documented figure (issue 3). */
const XQRS_DOCUMENTED_S = 1.57;
const HOURS = 24;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmt = (s: BeatScore) => `Se ${s.se.toFixed(2)} %  +P ${s.ppv.toFixed(2)} %  (FN ${s.fn}, FP ${s.fp})`;

async function inProcess(): Promise<void> {
  console.log(
    `CPU: ${cpus()[0]?.model} x${cpus().length}, Node ${process.version}, ${new Date().toISOString()}`,
  );
  // Warm-up (JIT) on one record, not timed.
  const w = await readRecord(join(MITDB, records[0]), { signals: [0] });
  detectQrs(toPhysical(w.signals[0]), w.fs);
  const times: number[] = [];
  const readTimes: number[] = [];
  const sets: Record<string, BeatScore[]> = { whole: [], from5: [], wholeVf: [], from5Vf: [], lead1: [] };
  const perRecord: string[] = [];
  const rates = [128, 250, 500, 1000];
  const atRate: BeatScore[][] = rates.map(() => []);
  for (const r of records) {
    const path = join(MITDB, r);
    const t0 = performance.now();
    const rec = await readRecord(path, { signals: [0] });
    const x = toPhysical(rec.signals[0]);
    const t1 = performance.now();
    const beats = detectQrs(x, rec.fs);
    const t2 = performance.now();
    times.push(t2 - t0);
    readTimes.push(t1 - t0);
    const anns = await readAnnotations(path, "atr");
    const ref = anns.filter((a) => isBeatCode(a.code)).map((a) => a.sample);
    const vf = vfEpisodes(anns);
    const from = 300 * rec.fs;
    sets.whole.push(scoreBeats(ref, beats, rec.fs));
    sets.from5.push(scoreBeats(ref, beats, rec.fs, { from }));
    const s = scoreBeats(ref, beats, rec.fs, { exclude: vf });
    sets.wholeVf.push(s);
    sets.from5Vf.push(scoreBeats(ref, beats, rec.fs, { from, exclude: vf }));
    if (s.fn + s.fp > 0) perRecord.push(`${r}:${s.fn}/${s.fp}`);
    rates.forEach((fs, k) => {
      const b = detectQrs(resample(x, rec.fs, fs), fs).map((i) => Math.round((i * rec.fs) / fs));
      atRate[k].push(scoreBeats(ref, b, rec.fs, { exclude: vf }));
    });
    const lead1 = await readRecord(path, { signals: [1] });
    sets.lead1.push(
      scoreBeats(ref, detectQrs(toPhysical(lead1.signals[0]), rec.fs), rec.fs, { exclude: vf }),
    );
  }
  const total = times.reduce((a, b) => a + b, 0);
  const med = median(times);
  console.log(
    `\n${records.length} mitdb records, lead 0, read + detect in-process (after one warm-up record):`,
  );
  console.log(
    `  per record: median ${med.toFixed(1)} ms (read ${median(readTimes).toFixed(1)} ms), mean ${(total / records.length).toFixed(1)} ms; total ${(total / 1000).toFixed(2)} s`,
  );
  console.log(
    `  vs wfdb-python xqrs, ${XQRS_DOCUMENTED_S} s per record: ${((XQRS_DOCUMENTED_S * 1000) / med).toFixed(0)}x faster ` +
      `(a documented figure for this machine class, NOT measured in this run: wfdb-python cannot be installed here)`,
  );
  console.log(`\nAccuracy (150 ms window, bxb-style matching, gross over ${records.length} records):`);
  console.log(`  whole record, all beats:          ${fmt(grossScore(sets.whole))}`);
  console.log(`  from minute 5, all beats:         ${fmt(grossScore(sets.from5))}`);
  console.log(`  whole record, VF excluded:        ${fmt(grossScore(sets.wholeVf))}`);
  console.log(`  from minute 5, VF excluded:       ${fmt(grossScore(sets.from5Vf))}`);
  console.log(
    `  lead 1 instead, VF excluded:      ${fmt(grossScore(sets.lead1))}  (parameters were tuned on lead 0 only)`,
  );
  rates.forEach((fs, k) =>
    console.log(`  resampled to ${String(fs).padStart(4)} Hz, VF excluded: ${fmt(grossScore(atRate[k]))}`),
  );
  console.log(`  errors per record (VF excluded, record:FN/FP): ${perRecord.join(" ")}`);
}

/** Child: streams HOURS hours of 2-lead mitdb, concatenated, in 10-s chunks; prints one JSON line. */
async function stream24h(): Promise<void> {
  const fs = (await readHeader(join(MITDB, records[0]))).fs;
  const total = Math.round(HOURS * 3600 * fs);
  const chunk = Math.round(10 * fs);
  const streams = [new QrsStream(fs), new QrsStream(fs)];
  const counts = [0, 0];
  let done = 0;
  let peak = 0;
  const t0 = performance.now();
  for (let k = 0; done < total; k = (k + 1) % records.length) {
    const path = join(MITDB, records[k]);
    const n = (await readHeader(path)).nSamples ?? 0;
    for (let from = 0; from < n && done < total; from += chunk) {
      const to = Math.min(n, from + chunk, from + total - done);
      const rec = await readRecord(path, { from, to, signals: [0, 1], verifyChecksum: false });
      for (let lead = 0; lead < 2; lead++)
        counts[lead] += streams[lead].push(toPhysical(rec.signals[lead])).length;
      done += to - from;
      if ((from / chunk) % 60 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  for (let lead = 0; lead < 2; lead++) counts[lead] += streams[lead].flush().length;
  const seconds = (performance.now() - t0) / 1000;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({ samples: done, fs, beats: counts, seconds, maxRssMB: Math.max(peak, maxRss) / 2 ** 20 }),
  );
}

if (process.argv.includes("--stream24h")) {
  await stream24h();
} else {
  await inProcess();
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--stream24h"], {
    encoding: "utf8",
  });
  if (child.status !== 0) throw new Error(`24-h streaming run failed: ${child.stderr}`);
  const o = JSON.parse(child.stdout) as {
    samples: number;
    fs: number;
    beats: number[];
    seconds: number;
    maxRssMB: number;
  };
  console.log(
    `\nStreaming, synthetic ${HOURS}-h 2-lead record (${o.samples} frames at ${o.fs} Hz, mitdb concatenated, 10-s chunks):`,
  );
  console.log(
    `  beats: lead 0 ${o.beats[0]}, lead 1 ${o.beats[1]}; ${o.seconds.toFixed(1)} s (read + detect, both leads)`,
  );
  console.log(`  peak RSS of that process: ${o.maxRssMB.toFixed(0)} MB (target < 200 MB)`);
}
