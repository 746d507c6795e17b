// Writes a single-segment WFDB record: the signal files (formats 16, 212 and 80, signals sharing a file
// interleaved frame by frame) and then the header, with each signal's initial value and 16-bit checksum.
// Every file goes through a temporary file and a rename, the header last, so a header never names a
// half-written signal file. A parsed `Header` can be passed as the spec (its extra fields are ignored).
import { basename, dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic.js";
import { WfdbError } from "./errors.js";

export type WritableFormat = 16 | 80 | 212;

export interface WriteSignalSpec {
  /** Signal file name (default `<record>.dat`); signals sharing a file must share its format. */
  fileName?: string;
  format: number;
  samplesPerFrame?: number;
  /** ADC units per physical unit (must be > 0). */
  gain: number;
  baseline: number;
  units: string;
  adcResolution?: number;
  adcZero?: number;
  description: string;
}

export interface WriteRecordSpec {
  fs: number;
  baseTime?: string;
  baseDate?: string;
  comments?: string[];
  signals: WriteSignalSpec[];
}

const RANGE: Record<WritableFormat, [number, number, number]> = {
  16: [-32768, 32767, 16],
  80: [-128, 127, 8],
  212: [-2048, 2047, 12],
};

function isWritable(f: number): f is WritableFormat {
  return f === 16 || f === 80 || f === 212;
}

/** 16-bit checksum of a signal as WFDB computes it: the sum of its samples, as a signed short. */
export function wfdbChecksum(samples: Int32Array): number {
  let s = 0;
  for (let i = 0; i < samples.length; i++) s = (s + samples[i]) & 0xffff;
  return (s << 16) >> 16;
}

/** Encodes an interleaved sample stream in one format. */
export function encodeSamples(format: WritableFormat, stream: Int32Array): Uint8Array {
  const n = stream.length;
  if (format === 16) {
    const out = new Uint8Array(n * 2);
    for (let i = 0; i < n; i++) {
      out[2 * i] = stream[i] & 0xff;
      out[2 * i + 1] = (stream[i] >> 8) & 0xff;
    }
    return out;
  }
  if (format === 80) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (stream[i] + 128) & 0xff;
    return out;
  }
  // 212: two 12-bit samples in three bytes; an odd last sample is paired with 0.
  const out = new Uint8Array(Math.ceil(n / 2) * 3);
  for (let i = 0, o = 0; i < n; i += 2, o += 3) {
    const a = stream[i];
    const b = i + 1 < n ? stream[i + 1] : 0;
    out[o] = a & 0xff;
    out[o + 1] = ((a >> 8) & 0x0f) | (((b >> 8) & 0x0f) << 4);
    out[o + 2] = b & 0xff;
  }
  return out;
}

function fmtNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(12)));
}

function validate(recordName: string, spec: WriteRecordSpec, signals: Int32Array[]): number {
  const bad = (msg: string) => new WfdbError("header", `cannot write record ${recordName}: ${msg}`);
  if (!/^[A-Za-z0-9_-]+$/.test(recordName)) throw bad("record names may hold only letters, digits, _ and -");
  if (!(spec.fs > 0) || !Number.isFinite(spec.fs)) throw bad(`invalid sampling frequency ${spec.fs}`);
  if (spec.signals.length === 0 || spec.signals.length !== signals.length) {
    throw bad(`${spec.signals.length} signal specs for ${signals.length} sample arrays`);
  }
  let frames = -1;
  spec.signals.forEach((s, i) => {
    if (!isWritable(s.format))
      throw new WfdbError("format", `cannot write signal format ${s.format} (only 16, 80, 212)`);
    const spf = s.samplesPerFrame ?? 1;
    if (!Number.isInteger(spf) || spf < 1) throw bad(`signal ${i}: invalid samples per frame ${spf}`);
    if (!(s.gain > 0) || !Number.isFinite(s.gain)) throw bad(`signal ${i}: invalid gain ${s.gain}`);
    if (!Number.isInteger(s.baseline)) throw bad(`signal ${i}: baseline must be an integer`);
    if (/\s/.test(s.units) || /[\s()/]/.test(s.fileName ?? ""))
      throw bad(`signal ${i}: blanks in units or file name`);
    if (/[\r\n]/.test(s.description)) throw bad(`signal ${i}: line break in description`);
    if (signals[i].length % spf !== 0)
      throw bad(`signal ${i}: ${signals[i].length} samples is not whole frames`);
    const f = signals[i].length / spf;
    if (frames >= 0 && f !== frames) throw bad(`signal ${i} has ${f} frames, signal 0 has ${frames}`);
    frames = f;
    const [lo, hi] = RANGE[s.format];
    for (const v of signals[i]) {
      if (v < lo || v > hi)
        throw new WfdbError("range", `signal ${i}: sample ${v} outside format ${s.format}'s ${lo}..${hi}`);
    }
  });
  for (const c of spec.comments ?? []) if (/[\r\n]/.test(c)) throw bad("line break in a comment");
  return frames;
}

/** Interleaves the signals of one file frame by frame (each signal's samplesPerFrame samples per frame). */
function interleave(idx: number[], spec: WriteRecordSpec, signals: Int32Array[], frames: number): Int32Array {
  const spfs = idx.map((i) => spec.signals[i].samplesPerFrame ?? 1);
  const perFrame = spfs.reduce((a, b) => a + b, 0);
  const out = new Int32Array(perFrame * frames);
  let o = 0;
  for (let f = 0; f < frames; f++) {
    idx.forEach((i, k) => {
      const spf = spfs[k];
      const src = signals[i];
      for (let j = 0; j < spf; j++) out[o++] = src[f * spf + j];
    });
  }
  return out;
}

/** The header text of the record as written. */
export function headerText(
  recordName: string,
  spec: WriteRecordSpec,
  signals: Int32Array[],
  frames: number,
): string {
  const first = [recordName, spec.signals.length, fmtNumber(spec.fs), frames];
  if (spec.baseTime) first.push(spec.baseTime);
  if (spec.baseTime && spec.baseDate) first.push(spec.baseDate);
  const lines = [first.join(" ")];
  spec.signals.forEach((s, i) => {
    const spf = s.samplesPerFrame ?? 1;
    const fmt = spf > 1 ? `${s.format}x${spf}` : `${s.format}`;
    const res = s.adcResolution ?? RANGE[s.format as WritableFormat][2];
    const zero = s.adcZero ?? 0;
    const init = signals[i].length ? signals[i][0] : 0;
    const gain = `${fmtNumber(s.gain)}(${s.baseline})/${s.units || "mV"}`;
    const fields = [
      s.fileName ?? `${recordName}.dat`,
      fmt,
      gain,
      res,
      zero,
      init,
      wfdbChecksum(signals[i]),
      0,
    ];
    lines.push(fields.join(" ") + (s.description ? ` ${s.description}` : ""));
  });
  for (const c of spec.comments ?? []) lines.push(`#${c}`);
  return lines.join("\n") + "\n";
}

/**
 * Writes record `recordPath` (path without extension): `signals[i]` holds every sample of signal i, frame
 * by frame (samplesPerFrame per frame). Throws WfdbError for anything the formats cannot hold.
 */
export async function writeRecord(
  recordPath: string,
  spec: WriteRecordSpec,
  signals: Int32Array[],
): Promise<void> {
  const recordName = basename(recordPath);
  const frames = validate(recordName, spec, signals);
  const files = new Map<string, number[]>();
  spec.signals.forEach((s, i) => {
    const name = s.fileName ?? `${recordName}.dat`;
    const idx = files.get(name) ?? [];
    if (idx.length && spec.signals[idx[0]].format !== s.format) {
      throw new WfdbError("format", `signals sharing ${name} must share a format`);
    }
    idx.push(i);
    files.set(name, idx);
  });
  const dir = dirname(recordPath);
  for (const [name, idx] of files) {
    const format = spec.signals[idx[0]].format as WritableFormat;
    await writeFileAtomic(join(dir, name), encodeSamples(format, interleave(idx, spec, signals, frames)));
  }
  await writeFileAtomic(`${recordPath}.hea`, headerText(recordName, spec, signals, frames));
}
