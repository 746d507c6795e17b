import type { LeadChoice, LeadSpec } from "../wfdb/index.js";
import { RR_DIM, rrFeatures } from "./rr.js";
import type { BeatSource, RecordBeats } from "./source.js";
import { extractWindows, windowLength, type WindowSpec } from "./window.js";

/** Resamples a signal from one rate to another (supplied by src/signal). */
export type Resampler = (x: Float64Array, fromHz: number, toHz: number) => Float64Array;

export interface RecordSettings {
  /** The lead to read: a signal name (falling back to signal 0) or a signal number (src/wfdb chooseLead). */
  lead: LeadSpec;
  window: WindowSpec;
  /** Rate the windows are cut at, Hz. */
  fs: number;
  resample?: Resampler;
}

/** Every beat of one record with a window, before any label scheme or split is applied. */
export interface RecordTable {
  record: string;
  /** The record's own rate, Hz. */
  fs: number;
  /** Annotation sample of each kept beat, at the record's own rate. */
  sample: Int32Array;
  symbol: string[];
  /** kept x windowLength windows and kept x RR_DIM RR features. */
  x: Float32Array;
  rr: Float32Array;
  /** Symbols of the beats dropped because the window left the record / held invalid samples. */
  droppedEdge: string[];
  droppedInvalid: string[];
  /** Which signal was read (absent: the source does not say). */
  lead?: LeadChoice;
}

/** Cuts the windows and RR features of all beats of one record (pure; resamples when rates differ). */
export function tableFromBeats(record: string, rb: RecordBeats, settings: RecordSettings): RecordTable {
  let signal = rb.signal;
  let peaks: ArrayLike<number> = rb.beats.map((b) => b.sample);
  if (rb.fs !== settings.fs) {
    if (!settings.resample)
      throw new Error(
        `record ${record} is at ${rb.fs} Hz, not ${settings.fs} Hz, and no resampler was given`,
      );
    signal = settings.resample(signal, rb.fs, settings.fs);
    const k = settings.fs / rb.fs;
    peaks = rb.beats.map((b) => Math.round(b.sample * k));
  }
  const w = extractWindows(signal, peaks, settings.window);
  const rrAll = rrFeatures(
    rb.beats.map((b) => b.sample),
    rb.fs,
  );
  const keptSet = new Uint8Array(rb.beats.length);
  for (const i of w.kept) keptSet[i] = 1;
  const rr = new Float32Array(w.kept.length * RR_DIM);
  w.kept.forEach((i, k) => rr.set(rrAll.subarray(i * RR_DIM, (i + 1) * RR_DIM), k * RR_DIM));
  const droppedEdge: string[] = [];
  const droppedInvalid: string[] = [];
  const len = windowLength(settings.window);
  rb.beats.forEach((b, i) => {
    if (keptSet[i]) return;
    const start = peaks[i] - settings.window.before;
    (start < 0 || start + len > signal.length ? droppedEdge : droppedInvalid).push(b.symbol);
  });
  return {
    record,
    fs: rb.fs,
    sample: Int32Array.from(w.kept, (i) => rb.beats[i].sample),
    symbol: Array.from(w.kept, (i) => rb.beats[i].symbol),
    x: w.x,
    rr,
    droppedEdge,
    droppedInvalid,
    ...(rb.lead ? { lead: rb.lead } : {}),
  };
}

export async function extractRecordBeats(
  source: BeatSource,
  record: string,
  settings: RecordSettings,
): Promise<RecordTable> {
  return tableFromBeats(record, await source.read(record, settings.lead), settings);
}
