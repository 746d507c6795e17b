// The common start of the commands that classify one record (classify, analyze): --beats parsed, the record
// resolved, the model opened and released after use.
import { BEATS_FROM, defaultModelDir, isBeatsFrom, type BeatsFrom } from "../analyze/index.js";
import { openClassifier, type Classifier } from "../model/index.js";
import { resolveLead, resolveRecord, type LeadChoice } from "../wfdb/index.js";
import { UserError } from "./errors.js";
import { warnLeadFallback } from "./lead-notes.js";

/** The option that turns a model's rhythm guard off (classify, analyze, evaluate). */
export const NO_RHYTHM_GUARD = [
  "--no-rhythm-guard",
  "the net's probabilities without the model's rhythm guard (model.json rhythmGuard: the inter models rule S out in irregular rhythms)",
] as const;

/** The option that turns a model's morph smoothing off (classify, analyze, evaluate). */
export const NO_MORPH_SMOOTHING = [
  "--no-morph-smoothing",
  "without the model's morph smoothing (model.json morphSmoothing: v2-aami-inter moves each beat's N/V/F split towards that of the record's beats most alike in QRS shape)",
] as const;

/** The option that turns a model's QRS veto off (classify, analyze, evaluate). */
export const NO_QRS_VETO = [
  "--no-qrs-veto",
  "without the model's QRS veto (model.json qrsVeto: the inter models rule V and F out on beats whose QRS matches the record's usual one, and S where the P wave matches that of the beats called N too)",
] as const;

/** What the three options above leave on. */
export interface DecisionSwitches {
  rhythmGuard?: boolean;
  morphSmoothing?: boolean;
  qrsVeto?: boolean;
}

export function parseBeatsFrom(v: string): BeatsFrom {
  if (!isBeatsFrom(v)) throw new UserError(`--beats must be one of ${BEATS_FROM.join(", ")}, not "${v}"`);
  return v;
}

/**
 * Runs `use` with the parsed --beats, the record's path, the opened model (--model or the default) and the
 * record's signal that the model's lead names (a fallback is warned about on stderr).
 */
export async function withRecordModel<T>(
  arg: string,
  opts: { model?: string; beats: string } & DecisionSwitches,
  dataDir: string | undefined,
  use: (r: { from: BeatsFrom; path: string; classifier: Classifier; lead: LeadChoice }) => Promise<T>,
): Promise<T> {
  const from = parseBeatsFrom(opts.beats);
  const path = resolveRecord(arg, dataDir);
  const classifier = await openClassifier(opts.model ?? defaultModelDir(), {
    rhythmGuard: opts.rhythmGuard,
    morphSmoothing: opts.morphSmoothing,
    qrsVeto: opts.qrsVeto,
  });
  try {
    const lead = await resolveLead(path, classifier.meta.lead);
    warnLeadFallback(lead, arg);
    return await use({ from, path, classifier, lead });
  } finally {
    await classifier.release();
  }
}
