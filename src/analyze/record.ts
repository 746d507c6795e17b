// One lead of a record in mV and the positions of its beats: from an annotation file or from our detector.
import { existsSync } from "node:fs";
import { DEFAULT_LEAD, readLeadMv } from "../beats/index.js";
import { detectQrs } from "../signal/index.js";
import { WfdbError, isBeatCode, readAnnotations, type LeadChoice, type LeadSpec } from "../wfdb/index.js";

/** Where the beats come from: reference annotations (.atr), a detector's file (.qrs), or detection now. */
export type BeatsFrom = "atr" | "qrs" | "detect";
export const BEATS_FROM: readonly BeatsFrom[] = ["atr", "qrs", "detect"];
export const isBeatsFrom = (s: string): s is BeatsFrom => (BEATS_FROM as readonly string[]).includes(s);

export interface RecordLead {
  /** Frame rate, Hz (annotation samples are frame numbers). */
  fs: number;
  /** The lead in mV at the frame rate (multi-sample-per-frame signals averaged per frame), NaN invalid. */
  signal: Float64Array;
  /** Which signal of the record it is (absent for a signal that was not read from a record). */
  lead?: LeadChoice;
}

export class AnalyzeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AnalyzeInputError";
  }
}

/**
 * Reads the lead `spec` asks for (a model's `meta.lead`: a signal name, falling back to signal 0, or a
 * signal number; src/wfdb chooseLead) of a record (path without extension) in mV, as the beat datasets do.
 */
export async function readLead(path: string, spec: LeadSpec = DEFAULT_LEAD): Promise<RecordLead> {
  return readLeadMv(path, spec).catch((err: Error) => {
    throw err instanceof WfdbError && err.kind === "range" ? new AnalyzeInputError(err.message) : err;
  });
}

/**
 * Sample indices (ascending, duplicates kept as training keeps them) of the beats of a record: the beat annotations (WFDB isqrs codes) of
 * `<path>.atr` / `<path>.qrs`, or the R peaks our QRS detector finds in `lead`.
 */
export async function beatSamples(path: string, from: BeatsFrom, lead: RecordLead): Promise<number[]> {
  if (from === "detect") return detectQrs(lead.signal, lead.fs);
  if (!existsSync(`${path}.${from}`))
    throw new AnalyzeInputError(
      `${path}.${from} not found` + (from === "qrs" ? " (write it with `arrhythmia-vision detect`)" : ""),
    );
  const samples = (await readAnnotations(path, from)).filter((a) => isBeatCode(a.code)).map((a) => a.sample);
  return samples.sort((a, b) => a - b);
}
