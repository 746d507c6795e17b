import { existsSync } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  DATA_ENV,
  isBeatCode,
  readAnnotations,
  readRecord,
  resolveLead,
  toPhysical,
  type LeadChoice,
  type LeadSpec,
  type SignalData,
} from "../wfdb/index.js";
import type { BeatSource, RecordBeats } from "./source.js";

/**
 * Records of a WFDB data directory with reference beat annotations (`<record>.atr` by default).
 * Records are listed by the directory's RECORDS file, else every `<name>.hea` with a `<name>.<annotator>`.
 */
export function wfdbSource(dataDir: string, annotator = "atr"): BeatSource {
  const dir = resolve(dataDir);
  return {
    async records() {
      const listFile = join(dir, "RECORDS");
      if (existsSync(listFile))
        return (await readFile(listFile, "utf8"))
          .split(/\s+/)
          .filter((r) => r.length > 0 && !r.includes("/"));
      const names = new Set(await readdir(dir));
      return [...names]
        .filter((f) => f.endsWith(".hea") && names.has(`${f.slice(0, -4)}.${annotator}`))
        .map((f) => f.slice(0, -4))
        .sort();
    },
    async read(record: string, spec: LeadSpec): Promise<RecordBeats> {
      const path = join(dir, record);
      const { fs, signal, lead } = await readLeadMv(path, spec);
      const beats = (await readAnnotations(path, annotator))
        .filter((a) => isBeatCode(a.code))
        .map((a) => ({ sample: a.sample, symbol: a.symbol }))
        .sort((a, b) => a.sample - b.sample);
      return { fs, signal, beats, lead };
    },
    async fingerprint(records: readonly string[]) {
      // Name, size and modification time of every file of every record: any change rebuilds the cache.
      const files = (await readdir(dir)).filter((f) => records.some((r) => f.startsWith(`${r}.`))).sort();
      const stats = await Promise.all(
        files.map(async (f) => {
          const st = await stat(join(dir, f));
          return [f, st.size, st.mtimeMs];
        }),
      );
      return JSON.stringify([dir, annotator, stats]);
    },
  };
}

/** One lead of a record in mV at its frame rate, and which signal of the record it is. */
export interface LeadMv {
  fs: number;
  /** frameSignal of the chosen signal: mV, averaged per frame, invalid samples NaN. */
  signal: Float64Array;
  lead: LeadChoice;
}

/**
 * Reads the lead `spec` names (src/wfdb chooseLead: a signal name, else signal 0; or a signal number) of a
 * record (path without extension) in mV at the frame rate.
 */
export async function readLeadMv(path: string, spec: LeadSpec, verifyChecksum = true): Promise<LeadMv> {
  const lead = await resolveLead(path, spec);
  const rec = await readRecord(path, { signals: [lead.index], verifyChecksum });
  return { fs: rec.fs, signal: frameSignal(rec.signals[0]), lead };
}

/** Factor from a signal's units to mV (mV, the WFDB default, when the units are unknown). */
const TO_MV: Record<string, number> = { mv: 1, uv: 1e-3, µv: 1e-3, v: 1e3 };

/** The signal at the frame rate in mV: a signal with several samples per frame is averaged per frame. */
export function frameSignal(sig: SignalData): Float64Array {
  const phys = toPhysical(sig);
  const scale = TO_MV[sig.units.toLowerCase()] ?? 1;
  const k = Math.max(1, sig.samplesPerFrame);
  const out = new Float64Array(Math.floor(phys.length / k));
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += phys[i * k + j];
    out[i] = (s / k) * scale;
  }
  return out;
}

/**
 * The data directory for datasets: `explicit` (--data-dir), else $ARRHYTHMIA_VISION_DATA, else
 * `../shared/mitdb` if present; undefined if none.
 */
export function defaultDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (explicit) return explicit;
  if (env[DATA_ENV]) return env[DATA_ENV];
  const shared = resolve("../shared/mitdb");
  return existsSync(shared) ? shared : undefined;
}
