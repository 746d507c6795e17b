// Reading the samples of one signal file (a "group": the signals that share it) for a range of frames.
import { open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { WfdbError } from "./errors.js";
import type { SignalSpec } from "./header.js";
import { FLAC_FORMATS, datCodec, decodeDifference8, invalidValue } from "./formats/index.js";
import { decode212Pairs } from "./formats/packed.js";
import { bytesFor, samplesIn, type BlockSize } from "./formats/codec.js";
import { decodeFlac, type FlacSamples } from "./flac.js";

/** The signals stored in one file, in the order of their slots in a frame. */
export interface SignalGroup {
  path: string;
  fileName: string;
  format: number;
  byteOffset: number;
  /** Header signal numbers of the group's signals. */
  signals: number[];
  /** Samples per frame of each signal of the group, and the first slot of each in a frame. */
  spf: number[];
  slot: number[];
  /** Samples per frame of the whole file. */
  frameSize: number;
  /** Initial values (format 8 only). */
  init: number[];
}

/** Groups a header's signals by signal file (slots follow header order). */
export function groupSignals(dir: string, specs: SignalSpec[]): SignalGroup[] {
  const byName = new Map<string, SignalGroup>();
  specs.forEach((s, i) => {
    let g = byName.get(s.fileName);
    if (!g) {
      g = {
        path: join(dir, s.fileName),
        fileName: s.fileName,
        format: s.format,
        byteOffset: s.byteOffset,
        signals: [],
        spf: [],
        slot: [],
        frameSize: 0,
        init: [],
      };
      byName.set(s.fileName, g);
    }
    if (s.format !== g.format)
      throw new WfdbError("header", `signals in ${s.fileName} mix formats ${g.format} and ${s.format}`);
    g.signals.push(i);
    g.spf.push(s.samplesPerFrame);
    g.slot.push(g.frameSize);
    g.frameSize += s.samplesPerFrame;
    g.init.push(s.initValue);
  });
  return [...byName.values()];
}

function notFound(g: SignalGroup, err: unknown): WfdbError {
  if ((err as NodeJS.ErrnoException).code === "ENOENT")
    return new WfdbError("not-found", `signal file not found: ${g.path}`);
  return new WfdbError("io", `cannot read ${g.path}: ${(err as Error).message}`);
}

/** An opened signal file: how many whole frames it holds, and a reader for a frame range. */
export interface OpenGroup {
  group: SignalGroup;
  frames: number;
  /** Unskewed samples of each group signal (by position in the group) for file frames [start, end). */
  read(start: number, end: number): Promise<Int32Array[]>;
}

/** The file name "~" stands for no file (layout headers): its signals read as invalid samples. */
export const NULL_FILE = "~";

export async function openGroup(g: SignalGroup): Promise<OpenGroup> {
  if (g.fileName === NULL_FILE) {
    const read = async (start: number, end: number) =>
      g.spf.map((k) => new Int32Array((end - start) * k).fill(invalidValue(g.format)));
    return { group: g, frames: Infinity, read };
  }
  if (FLAC_FORMATS.has(g.format)) return openFlac(g);
  let size: number;
  try {
    const st = await stat(g.path);
    if (!st.isFile()) throw new WfdbError("not-found", `signal file ${g.path} is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof WfdbError) throw err;
    throw notFound(g, err);
  }
  const codec: BlockSize =
    g.format === 8 ? { samplesPerBlock: 1, bytesPerBlock: 1, partialBytes: [0] } : datCodec(g.format);
  const dataBytes = Math.max(0, size - g.byteOffset);
  const frames = Math.floor(samplesIn(codec, dataBytes) / g.frameSize);
  const read = async (start: number, end: number): Promise<Int32Array[]> => {
    // Format 8 stores differences: decode from the first frame.
    const first = g.format === 8 ? 0 : start;
    const startSample = first * g.frameSize;
    const block = Math.floor(startSample / codec.samplesPerBlock);
    const skip = startSample - block * codec.samplesPerBlock + (start - first) * g.frameSize;
    const n = startSample - block * codec.samplesPerBlock + (end - first) * g.frameSize;
    const byteStart = g.byteOffset + block * codec.bytesPerBlock;
    // Never negative: a byte offset past the end of the file leaves nothing to read.
    const nBytes = Math.max(0, Math.min(bytesFor(codec, n), size - byteStart));
    const bytes = await readBytes(g, byteStart, nBytes);
    if (g.format === 212 && g.frameSize === 2 && g.signals.length === 2 && skip === 0)
      return decode212Pairs(bytes, end - start);
    const raw = new Int32Array(n);
    if (g.format === 8) decodeDifference8(bytes, n, slotOwners(g), g.init, raw);
    else datCodec(g.format).decode(bytes, n, raw);
    return demux(raw, skip, end - start, g);
  };
  return { group: g, frames, read };
}

async function readBytes(g: SignalGroup, position: number, length: number): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(g.path, "r");
  } catch (err) {
    throw notFound(g, err);
  }
  try {
    const buf = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, position + got).catch((err: unknown) => {
        throw notFound(g, err);
      });
      if (bytesRead === 0)
        throw new WfdbError("truncated", `${g.path} ended early (file changed while reading?)`);
      got += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}

function slotOwners(g: SignalGroup): Int32Array {
  const owners = new Int32Array(g.frameSize);
  g.signals.forEach((_, i) => owners.fill(i, g.slot[i], g.slot[i] + g.spf[i]));
  return owners;
}

/** Splits interleaved frames (starting `skip` samples into `raw`) into one array per group signal. */
function demux(raw: Int32Array, skip: number, nFrames: number, g: SignalGroup): Int32Array[] {
  if (g.signals.length === 1) return [raw.subarray(skip, skip + nFrames * g.frameSize)];
  const fsz = g.frameSize;
  return g.signals.map((_, i) => {
    const k = g.spf[i];
    const out = new Int32Array(nFrames * k);
    let src = skip + g.slot[i];
    if (k === 1) {
      for (let f = 0; f < nFrames; f++, src += fsz) out[f] = raw[src];
    } else {
      for (let f = 0, o = 0; f < nFrames; f++, src += fsz)
        for (let m = 0; m < k; m++) out[o++] = raw[src + m];
    }
    return out;
  });
}

async function openFlac(g: SignalGroup): Promise<OpenGroup> {
  if (g.byteOffset !== 0)
    throw new WfdbError("format", `${g.fileName}: byte offsets are not allowed in FLAC files`);
  if (g.spf.some((k) => k !== g.spf[0]))
    throw new WfdbError("format", `${g.fileName}: FLAC signals of one file need equal samples per frame`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(g.path);
  } catch (err) {
    throw notFound(g, err);
  }
  const flac: FlacSamples = await decodeFlac(bytes, g.path);
  if (flac.channels.length !== g.signals.length)
    throw new WfdbError(
      "format",
      `${g.fileName}: FLAC stream has ${flac.channels.length} channels, header says ${g.signals.length}`,
    );
  const maxBits = g.format - 500;
  if (flac.bitDepth > maxBits)
    throw new WfdbError("format", `${g.fileName}: ${flac.bitDepth}-bit FLAC stream for format ${g.format}`);
  const k = g.spf[0];
  const frames = Math.floor(flac.channels[0].length / k);
  const read = async (start: number, end: number) =>
    flac.channels.map((ch) => ch.subarray(start * k, end * k));
  return { group: g, frames, read };
}
