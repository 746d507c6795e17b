// Whole-record analysis: read -> beats (detected or given) -> classify -> summary.
import { classifyBeats, type ClassifiedBeat, type Classifier } from "../model/index.js";
import { detectQrs } from "../signal/index.js";
import { beatSamples, readLead, type BeatsFrom, type RecordLead } from "./record.js";
import { summarize, type RecordSummary } from "./summary.js";
import type { LeadChoice, LeadSpec } from "../wfdb/index.js";

export interface Analysis {
  fs: number;
  lengthSamples: number;
  summary: RecordSummary;
  beats: ClassifiedBeat[];
  /** Invalid (NaN) samples replaced by the last valid one before classification. */
  invalidSamples: number;
  /** Which signal of the record was analysed (absent when the signal was not read from a record). */
  lead?: LeadChoice;
  /** A model with model.json `secondTemplate` that made one for this record: the median window (z-normalised,
   * at the model's rate) of its second normal QRS shape, which the beats flagged `secondTemplate` were shown
   * against. */
  secondTemplate?: Float32Array;
}

/**
 * Analyses one lead in mV at `fs`: the beats at `samples` (ascending) or, if absent, those our QRS detector
 * finds, classified and summarised.
 */
export async function analyzeSignal(
  classifier: Classifier,
  lead: RecordLead,
  samples?: readonly number[],
): Promise<Analysis> {
  const at = samples ?? detectQrs(lead.signal, lead.fs);
  const { beats, invalidSamples, secondTemplate } = await classifyBeats(classifier, lead.signal, lead.fs, at);
  return {
    ...(secondTemplate && { secondTemplate }),
    fs: lead.fs,
    lengthSamples: lead.signal.length,
    summary: summarize(beats, classifier.meta.classes, lead.fs, lead.signal.length, classifier.meta),
    beats,
    invalidSamples,
    ...(lead.lead ? { lead: lead.lead } : {}),
  };
}

export interface AnalyzeRecordOptions {
  /** Where the beats come from (default: our detector). */
  beats?: BeatsFrom;
  /** Lead, a signal name or number (default: the model's `meta.lead`). */
  lead?: LeadSpec;
}

/** Reads a record (path without extension) and analyses it. */
export async function analyzeRecord(
  path: string,
  classifier: Classifier,
  opts: AnalyzeRecordOptions = {},
): Promise<Analysis> {
  const { lead, samples } = await recordInput(path, classifier, opts);
  return analyzeSignal(classifier, lead, samples);
}

/** The record's lead for the model (or opts.lead) and its beats (undefined: our detector finds them). */
export async function recordInput(
  path: string,
  classifier: Classifier,
  opts: AnalyzeRecordOptions,
): Promise<{ lead: RecordLead; samples?: number[] }> {
  const lead = await readLead(path, opts.lead ?? classifier.meta.lead);
  const from = opts.beats ?? "detect";
  return { lead, samples: from === "detect" ? undefined : await beatSamples(path, from, lead) };
}
