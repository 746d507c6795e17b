import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic, type LeadChoice } from "../wfdb/index.js";
import { RR_DIM } from "./rr.js";
import type { RecordSettings, RecordTable } from "./record-beats.js";
import type { BeatSource } from "./source.js";
import { windowLength } from "./window.js";

const MAGIC = "AVBEATS1";
const VERSION = 6; // bump when extraction changes (3: the lead chosen by name, recorded per record; 4: rhythmIrregularity; 5: rhythmEntropy; 6: regionRR)

type Extract = (source: BeatSource, record: string, settings: RecordSettings) => Promise<RecordTable>;

/**
 * The RecordTables of `records`, from `cacheDir` when a file for the same data and settings exists,
 * else extracted (and then cached). One binary file per key: magic, JSON length, JSON, padding, arrays.
 */
export async function loadTables(
  source: BeatSource,
  records: string[],
  settings: RecordSettings,
  cacheDir: string | undefined,
  extract: Extract,
): Promise<RecordTable[]> {
  const fp = cacheDir && source.fingerprint ? await source.fingerprint(records) : undefined;
  const key =
    fp === undefined
      ? undefined
      : createHash("sha256")
          .update(
            JSON.stringify({
              VERSION,
              fp,
              records,
              lead: settings.lead,
              w: settings.window,
              fs: settings.fs,
            }),
          )
          .update(settings.resample ? settings.resample.toString() : "")
          .digest("hex")
          .slice(0, 20);
  const file = cacheDir && key ? join(cacheDir, `beats-${key}.bin`) : undefined;
  if (file) {
    const cached = await readCache(file, windowLength(settings.window));
    if (cached) return cached;
  }
  const tables = await Promise.all(records.map((r) => extract(source, r, settings)));
  if (file && cacheDir) await writeCache(cacheDir, file, tables);
  return tables;
}

interface Meta {
  tables: {
    record: string;
    fs: number;
    n: number;
    symbol: string[];
    droppedEdge: string[];
    droppedInvalid: string[];
    lead?: LeadChoice;
  }[];
}

async function writeCache(dir: string, file: string, tables: RecordTable[]): Promise<void> {
  const meta: Meta = {
    tables: tables.map((t) => ({
      record: t.record,
      fs: t.fs,
      n: t.sample.length,
      symbol: t.symbol,
      droppedEdge: t.droppedEdge,
      droppedInvalid: t.droppedInvalid,
      lead: t.lead,
    })),
  };
  const json = Buffer.from(JSON.stringify(meta), "utf8");
  const head = Buffer.alloc(16);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(json.length, 8);
  const pad = Buffer.alloc((4 - (json.length % 4)) % 4);
  const chunks: Buffer[] = [head, json, pad];
  for (const t of tables) {
    chunks.push(Buffer.from(t.sample.buffer, t.sample.byteOffset, t.sample.byteLength));
    chunks.push(Buffer.from(t.rr.buffer, t.rr.byteOffset, t.rr.byteLength));
    chunks.push(Buffer.from(t.x.buffer, t.x.byteOffset, t.x.byteLength));
  }
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(file, Buffer.concat(chunks));
}

/** Reads a cache file; undefined if absent or not a valid cache of this layout (it is then rebuilt). */
async function readCache(file: string, len: number): Promise<RecordTable[] | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch {
    return undefined;
  }
  if (buf.length < 16 || buf.toString("latin1", 0, 8) !== MAGIC) return undefined;
  const jsonLen = buf.readUInt32LE(8);
  let meta: Meta;
  try {
    meta = JSON.parse(buf.toString("utf8", 16, 16 + jsonLen)) as Meta;
  } catch {
    return undefined;
  }
  let off = 16 + jsonLen + ((4 - (jsonLen % 4)) % 4);
  const ab = new ArrayBuffer(buf.length - off);
  new Uint8Array(ab).set(buf.subarray(off));
  off = 0;
  const tables: RecordTable[] = [];
  for (const m of meta.tables) {
    const need = m.n * 4 * (1 + RR_DIM + len);
    if (off + need > ab.byteLength) return undefined;
    const sample = new Int32Array(ab, off, m.n);
    const rr = new Float32Array(ab, off + m.n * 4, m.n * RR_DIM);
    const x = new Float32Array(ab, off + m.n * 4 * (1 + RR_DIM), m.n * len);
    off += need;
    const { record, fs, symbol, droppedEdge, droppedInvalid, lead } = m;
    tables.push({
      record,
      fs,
      sample,
      symbol,
      x,
      rr,
      droppedEdge,
      droppedInvalid,
      ...(lead ? { lead } : {}),
    });
  }
  return off === ab.byteLength ? tables : undefined;
}
