// Reading a record's signals: single-segment records here, multi-segment ones in multisegment.ts.
import { dirname } from "node:path";
import { readHeader, type Header } from "./header.js";
import { readMultiSegment } from "./multisegment.js";
import { readSingleSegment } from "./single.js";

/** One signal of a record read for a range of frames. */
export interface SignalData {
  /** The signal's description in the header (its name, e.g. "MLII"). */
  name: string;
  units: string;
  gain: number;
  baseline: number;
  samplesPerFrame: number;
  format: number;
  /** ALL samples of the [from, to) frames, every sample of every frame, in time order. */
  digital: Int32Array;
  /** Signal number in the header. */
  index: number;
  /** The digital value that marks a missing sample (see toPhysical). */
  invalid: number;
}

export interface WfdbRecord {
  header: Header;
  fs: number;
  from: number;
  to: number;
  signals: SignalData[];
}

export interface ReadOptions {
  /** First frame (default 0). */
  from?: number;
  /** End frame, exclusive (default: the record's length). */
  to?: number;
  /** Header signal numbers to read (default: all), in the order wanted. */
  signals?: number[];
  /**
   * Check each signal against its header checksum (16-bit sum of all its samples) when the whole record is
   * read (default true). A mismatch throws WfdbError("checksum").
   */
  verifyChecksum?: boolean;
}

/** Reads a record (path without extension); only the bytes needed for the range are read. */
export async function readRecord(recordPath: string, opts: ReadOptions = {}): Promise<WfdbRecord> {
  const base = recordPath.endsWith(".hea") ? recordPath.slice(0, -4) : recordPath;
  const header = await readHeader(base);
  if (header.segments) return readMultiSegment(dirname(base), header, opts);
  return readSingleSegment(dirname(base), header, opts);
}

/** (d - baseline) / gain, with invalid samples (the format's invalid value) as NaN. */
export function toPhysical(sig: SignalData): Float64Array {
  const d = sig.digital;
  const out = new Float64Array(d.length);
  const b = sig.baseline;
  const g = sig.gain;
  const bad = sig.invalid;
  for (let i = 0; i < d.length; i++) out[i] = d[i] === bad ? NaN : (d[i] - b) / g;
  return out;
}
