// A checkpoint: JSON metadata and named float32 tensors in one file, written atomically (temp + rename).
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../wfdb/index.js";

const MAGIC = "AVCKPT01";

export type Tensors = Record<string, Float32Array>;

export interface Checkpoint<M> {
  meta: M;
  tensors: Tensors;
}

/** Layout: magic (8 bytes), JSON length (u32 LE), 4 zero bytes, JSON, zero padding to 4, float32 data. */
export async function saveCheckpoint<M>(path: string, meta: M, tensors: Tensors): Promise<void> {
  const names = Object.keys(tensors).sort();
  const index = names.map((name) => ({ name, length: tensors[name].length }));
  const json = Buffer.from(JSON.stringify({ meta, index }), "utf8");
  const head = Buffer.alloc(16);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(json.length, 8);
  const pad = Buffer.alloc((4 - (json.length % 4)) % 4);
  const data = names.map((n) => Buffer.from(tensors[n].buffer, tensors[n].byteOffset, tensors[n].byteLength));
  await writeFileAtomic(path, Buffer.concat([head, json, pad, ...data]));
}

/** Reads a checkpoint written by saveCheckpoint; throws a one-line error on a damaged or foreign file. */
export async function loadCheckpoint<M>(path: string): Promise<Checkpoint<M>> {
  const buf = await readFile(path);
  if (buf.length < 16 || buf.toString("latin1", 0, 8) !== MAGIC)
    throw new Error(`${path} is not a checkpoint`);
  const jsonLen = buf.readUInt32LE(8);
  if (16 + jsonLen > buf.length) throw new Error(`${path}: truncated checkpoint`);
  const { meta, index } = JSON.parse(buf.toString("utf8", 16, 16 + jsonLen)) as {
    meta: M;
    index: { name: string; length: number }[];
  };
  let off = 16 + jsonLen + ((4 - (jsonLen % 4)) % 4);
  const tensors: Tensors = {};
  for (const { name, length } of index) {
    if (off + length * 4 > buf.length) throw new Error(`${path}: truncated checkpoint`);
    const t = new Float32Array(length);
    new Uint8Array(t.buffer).set(buf.subarray(off, off + length * 4));
    tensors[name] = t;
    off += length * 4;
  }
  if (off !== buf.length) throw new Error(`${path}: ${buf.length - off} unexpected bytes after the tensors`);
  return { meta, tensors };
}
