// A record fed through AnalyzerStream chunk after chunk, as a live source would feed it, with each beat's
// delay: how long after the beat (in beats found after it, in seconds of signal) its label came out.
import type { Classifier, ClassifiedBeat } from "../model/index.js";
import { recordInput, type Analysis, type AnalyzeRecordOptions } from "./analyze.js";
import type { RecordLead } from "./record.js";
import { AnalyzerStream, type StreamOptions } from "./stream.js";

/** When a beat's label came out. */
export interface BeatDelay {
  /** Beats known after this one at that moment. */
  beats: number;
  /** Signal pushed after the beat's R peak at that moment (s). */
  seconds: number;
}

export interface StreamedAnalysis extends Analysis {
  /** One per beat, in beat order. */
  delays: BeatDelay[];
}

export interface StreamLeadOptions extends Pick<StreamOptions, "samples" | "causal"> {
  /** Samples per push, at the record's rate (default: 0.1 s of signal). */
  chunk?: number;
}

/** Streams one lead through AnalyzerStream, `chunk` samples at a time, timing every label. */
export async function streamLead(
  classifier: Classifier,
  lead: RecordLead,
  opts: StreamLeadOptions = {},
): Promise<StreamedAnalysis> {
  const chunk = opts.chunk ?? Math.max(1, Math.round(lead.fs / 10));
  const s = new AnalyzerStream(classifier, lead.fs, { samples: opts.samples, causal: opts.causal });
  const beats: ClassifiedBeat[] = [];
  const delays: BeatDelay[] = [];
  const take = (got: ClassifiedBeat[]): void => {
    for (const b of got) {
      delays.push({ beats: s.beatsKnown - 1 - beats.length, seconds: (s.samplesIn - b.sample) / lead.fs });
      beats.push(b);
    }
  };
  for (let at = 0; at < lead.signal.length; at += chunk)
    take(await s.push(lead.signal.subarray(at, at + chunk)));
  take(await s.end());
  return {
    fs: lead.fs,
    lengthSamples: lead.signal.length,
    summary: s.summary(),
    beats,
    invalidSamples: s.invalidSamples,
    delays,
    ...(s.secondTemplate && { secondTemplate: s.secondTemplate }),
  };
}

/** Reads a record (path without extension) and streams it (analyzeRecord's beats and lead). */
export async function streamRecord(
  path: string,
  classifier: Classifier,
  opts: AnalyzeRecordOptions & Omit<StreamLeadOptions, "samples"> = {},
): Promise<StreamedAnalysis> {
  const { lead, samples } = await recordInput(path, classifier, opts);
  return streamLead(classifier, lead, { samples, causal: opts.causal, chunk: opts.chunk });
}

/** Median, 95th percentile and maximum of each delay over the beats (zeros when there is none). */
export interface DelayStats {
  beats: { median: number; p95: number; max: number };
  seconds: { median: number; p95: number; max: number };
}

export function delayStats(delays: readonly BeatDelay[]): DelayStats {
  const stats = (v: number[]) => {
    const s = Float64Array.from(v).sort();
    const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : 0);
    return { median: q(0.5), p95: q(0.95), max: s.length ? s[s.length - 1] : 0 };
  };
  return { beats: stats(delays.map((d) => d.beats)), seconds: stats(delays.map((d) => d.seconds)) };
}
