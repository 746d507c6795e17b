// WFDB header (.hea) parsing: the record line, signal lines or segment lines, and `#` comments.
// Field syntax follows the WFDB header(5) specification (PhysioNet WFDB Applications Guide).
import { readFile } from "node:fs/promises";
import { WfdbError } from "./errors.js";
import { defaultResolution } from "./formats/index.js";

/** One signal line of a header, every field of the spec (defaults filled in as WFDB does). */
export interface SignalSpec {
  /** Signal file name relative to the header's folder; "~" for none (layout headers). */
  fileName: string;
  format: number;
  samplesPerFrame: number;
  skew: number;
  byteOffset: number;
  /** ADC units per physical unit; 0 or absent in the file -> 200 (WFDB default). */
  gain: number;
  /** Digital value of physical zero; absent -> adcZero. */
  baseline: number;
  /** Physical units; absent -> "mV". */
  units: string;
  /** ADC resolution in bits; 0 or absent -> the format's own width (as the WFDB library does). */
  adcResolution: number;
  adcZero: number;
  /** First sample value (absent -> adcZero); formats 8 start their differences from it. */
  initValue: number;
  /** 16-bit sum of all samples as written in the header (signed), if present. */
  checksum?: number;
  blockSize: number;
  description: string;
}

/** A segment of a multi-segment record; `name` "~" is a null segment (no signal). */
export interface Segment {
  name: string;
  nSamples: number;
}

export interface Header {
  recordName: string;
  nSignals: number;
  /** Frame frequency in Hz (absent -> 250, the WFDB default). */
  fs: number;
  counterFreq?: number;
  baseCounter?: number;
  /** Length in frames; undefined when the header does not say. */
  nSamples?: number;
  baseTime?: string;
  baseDate?: string;
  signals: SignalSpec[];
  /** Comment lines without their leading `#`, in file order. */
  comments: string[];
  /** Multi-segment records only. */
  segments?: Segment[];
}

/** The WFDB default gain, used when a header gives 0 or nothing. */
export const DEFAULT_GAIN = 200;
/** The WFDB default frame frequency. */
export const DEFAULT_FS = 250;

const NUM = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const RECORD_NAME = /^([^\s/]+)(?:\/(\d+))?$/;
const FS_FIELD = new RegExp(`^(${NUM})(?:/(${NUM})(?:\\((${NUM})\\))?)?$`);
const FORMAT_FIELD = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/;
const GAIN_FIELD = new RegExp(`^(${NUM})(?:\\((${NUM})\\))?(?:/(.*))?$`);
const INT_FIELD = /^[+-]?\d+$/;

/** Segment counts declared by record lines (segments are pushed as their lines are read). */
const declaredCount = new WeakMap<Segment[], number>();
function declaredSegments(segments: Segment[]): number {
  return declaredCount.get(segments) ?? segments.length;
}

function fail(lineNo: number, what: string, line: string): never {
  throw new WfdbError("header", `header line ${lineNo}: ${what}: ${JSON.stringify(line.slice(0, 80))}`);
}

function int(text: string, lineNo: number, what: string, line: string): number {
  if (!INT_FIELD.test(text)) fail(lineNo, `bad ${what} ${JSON.stringify(text)}`, line);
  const v = Number(text);
  if (!Number.isSafeInteger(v)) fail(lineNo, `${what} ${text} is out of range`, line);
  return v;
}

function parseRecordLine(
  fields: string[],
  lineNo: number,
  line: string,
): Omit<Header, "signals" | "comments"> {
  const name = RECORD_NAME.exec(fields[0]);
  if (!name) fail(lineNo, "bad record name", line);
  if (fields.length < 2) fail(lineNo, "missing number of signals", line);
  const h: Omit<Header, "signals" | "comments"> = {
    recordName: name[1],
    nSignals: int(fields[1], lineNo, "number of signals", line),
    fs: DEFAULT_FS,
  };
  if (h.nSignals < 0) fail(lineNo, "negative number of signals", line);
  // The segment count is checked against the segment lines (not used to size an array: it may be absurd).
  if (name[2] !== undefined) {
    h.segments = [];
    declaredCount.set(h.segments, Number(name[2]));
  }
  if (fields.length > 2) {
    const f = FS_FIELD.exec(fields[2]);
    if (!f) fail(lineNo, `bad sampling frequency ${JSON.stringify(fields[2])}`, line);
    const fs = Number(f[1]);
    if (!(fs >= 0) || !Number.isFinite(fs)) fail(lineNo, "bad sampling frequency", line);
    h.fs = fs > 0 ? fs : DEFAULT_FS;
    if (f[2] !== undefined) h.counterFreq = Number(f[2]);
    if (f[3] !== undefined) h.baseCounter = Number(f[3]);
  }
  if (fields.length > 3) {
    h.nSamples = int(fields[3], lineNo, "number of samples", line);
    if (h.nSamples < 0) fail(lineNo, "negative number of samples", line);
  }
  if (fields.length > 4) h.baseTime = fields[4];
  if (fields.length > 5) h.baseDate = fields[5];
  if (fields.length > 6) fail(lineNo, "too many fields on the record line", line);
  return h;
}

function parseSignalLine(fields: string[], rest: string, lineNo: number, line: string): SignalSpec {
  if (fields.length < 2) fail(lineNo, "a signal line needs a file name and a format", line);
  const f = FORMAT_FIELD.exec(fields[1]);
  if (!f) fail(lineNo, `bad format field ${JSON.stringify(fields[1])}`, line);
  const format = Number(f[1]);
  for (const part of [f[1], f[2], f[3], f[4]])
    if (part !== undefined && !Number.isSafeInteger(Number(part)))
      fail(lineNo, `format field ${JSON.stringify(fields[1])} is out of range`, line);
  const spec: SignalSpec = {
    fileName: fields[0],
    format,
    samplesPerFrame: f[2] !== undefined ? Number(f[2]) : 1,
    skew: f[3] !== undefined ? Number(f[3]) : 0,
    byteOffset: f[4] !== undefined ? Number(f[4]) : 0,
    gain: DEFAULT_GAIN,
    baseline: 0,
    units: "mV",
    adcResolution: defaultResolution(format),
    adcZero: 0,
    initValue: 0,
    blockSize: 0,
    description: "",
  };
  if (spec.samplesPerFrame < 1) fail(lineNo, "samples per frame must be at least 1", line);
  let baseline: number | undefined;
  let initValue: number | undefined;
  if (fields.length > 2) {
    const g = GAIN_FIELD.exec(fields[2]);
    if (!g) fail(lineNo, `bad gain field ${JSON.stringify(fields[2])}`, line);
    const gain = Number(g[1]);
    if (!Number.isFinite(gain)) fail(lineNo, `bad gain ${JSON.stringify(g[1])}`, line);
    spec.gain = gain === 0 ? DEFAULT_GAIN : gain;
    if (g[2] !== undefined) baseline = int(g[2], lineNo, "baseline", line);
    if (g[3] !== undefined) spec.units = g[3];
  }
  if (fields.length > 3) {
    const res = int(fields[3], lineNo, "ADC resolution", line);
    if (res > 0) spec.adcResolution = res;
  }
  if (fields.length > 4) spec.adcZero = int(fields[4], lineNo, "ADC zero", line);
  if (fields.length > 5) initValue = int(fields[5], lineNo, "initial value", line);
  if (fields.length > 6) spec.checksum = int(fields[6], lineNo, "checksum", line);
  if (fields.length > 7) spec.blockSize = int(fields[7], lineNo, "block size", line);
  if (fields.length > 8) spec.description = rest;
  spec.baseline = baseline ?? spec.adcZero;
  spec.initValue = initValue ?? spec.adcZero;
  return spec;
}

/** Splits a line into its first `n` whitespace-separated fields and the untouched rest of the line. */
function splitFields(line: string, n: number): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let i = 0;
  while (fields.length < n) {
    while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
    if (i >= line.length) return { fields, rest: "" };
    const start = i;
    while (i < line.length && line[i] !== " " && line[i] !== "\t") i++;
    fields.push(line.slice(start, i));
  }
  while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
  if (i < line.length) fields.push(line.slice(i).trimEnd());
  return { fields, rest: line.slice(i).trimEnd() };
}

/** Parses the text of a WFDB header (single- or multi-segment). Throws WfdbError("header") on bad input. */
export function parseHeader(text: string): Header {
  const lines = text.split(/\r?\n|\r/);
  const comments: string[] = [];
  const signals: SignalSpec[] = [];
  let head: Omit<Header, "signals" | "comments"> | undefined;
  let nSegments = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === "") continue;
    if (trimmed.startsWith("#")) {
      comments.push(trimmed.slice(1));
      continue;
    }
    const lineNo = i + 1;
    if (!head) {
      head = parseRecordLine(trimmed.split(/\s+/), lineNo, line);
      continue;
    }
    if (head.segments) {
      if (nSegments >= declaredSegments(head.segments))
        fail(lineNo, "more segment lines than the record line says", line);
      const fields = trimmed.split(/\s+/);
      if (fields.length !== 2) fail(lineNo, "a segment line is `name length`", line);
      const nSamples = int(fields[1], lineNo, "segment length", line);
      if (nSamples < 0) fail(lineNo, "negative segment length", line);
      head.segments[nSegments++] = { name: fields[0], nSamples };
      continue;
    }
    if (signals.length >= head.nSignals) fail(lineNo, "more signal lines than the record line says", line);
    const { fields, rest } = splitFields(trimmed, 8);
    signals.push(parseSignalLine(fields, rest, lineNo, line));
  }
  if (!head) throw new WfdbError("header", "header has no record line");
  if (head.segments) {
    const declared = declaredSegments(head.segments);
    if (nSegments !== declared)
      throw new WfdbError("header", `header names ${declared} segments but lists ${nSegments}`);
  } else if (signals.length !== head.nSignals) {
    throw new WfdbError("header", `header names ${head.nSignals} signals but describes ${signals.length}`);
  }
  return { ...head, signals, comments };
}

/** Reads and parses `<recordPath>.hea`. */
export async function readHeader(recordPath: string): Promise<Header> {
  const path = recordPath.endsWith(".hea") ? recordPath : recordPath + ".hea";
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new WfdbError("not-found", `header not found: ${path}`);
    throw new WfdbError("io", `cannot read header ${path}: ${(err as Error).message}`);
  }
  return parseHeader(decodeText(bytes));
}

/** UTF-8, or Latin-1 when the bytes are not valid UTF-8 (old headers carry e.g. 0xB5 for µ). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("latin1").decode(bytes);
  }
}
