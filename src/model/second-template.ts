// model.json `secondTemplate` (docs/RESULTS.md, search 50): a patient whose normal beats come in two QRS shapes
// (mitdb 108, 230) shows the net its second shape beside a median beat of the first, and the net calls it V. A
// first pass decides every beat; the beats it calls N (after the guard, before the veto) whose QRS does not match
// the record's median beat (correlation < `below`) form a second template, their median window, when they are at
// least max(`min`, `fraction` x the beats called N); every beat whose QRS matches that template better than the
// first is shown to the net against it, and the whole decision runs again. From the model's own calls, never labels.
import {
  medianTemplate,
  qrsMatch,
  qrsRegion,
  recordRuns,
  regionMatch,
  windowLength,
} from "../beats/index.js";
import { argmaxRows, gatherRows } from "./batches.js";
import { beatMatchesOf, decideProbs, type DecisionInputs, type DecisionSpec } from "./decide.js";
import { USUAL_CLASS } from "./qrs-veto.js";

export interface SecondTemplate {
  /** a beat called N is unlike the record's median beat below this QRS correlation */
  below: number;
  /** the least number of such beats, and the least share of the beats called N, for a second template */
  min: number;
  fraction: number;
}

/** What search 50 chose on DS1 (search 43's rule for the second shape). */
export const SECOND_TEMPLATE: SecondTemplate = { below: 0.95, min: 20, fraction: 0.1 };

/** Why `s` is not a usable secondTemplate, or undefined. */
export function secondTemplateError(s: unknown): string | undefined {
  const t = s as SecondTemplate;
  if (typeof s !== "object" || s === null) return "must be an object {below, min, fraction}";
  if (!(t.below > 0 && t.below <= 1)) return `below must be in (0, 1], not ${t.below}`;
  if (!(Number.isInteger(t.min) && t.min >= 1)) return `min must be a whole number >= 1, not ${t.min}`;
  if (!(t.fraction >= 0 && t.fraction <= 1)) return `fraction must be in [0, 1], not ${t.fraction}`;
  return undefined;
}

export interface SecondTemplates {
  /** each record's second template (z-normalised window), for the records that have one */
  templates: Map<string, Float32Array>;
  /** the beats that match it better than the record's median beat, ascending */
  moved: number[];
  /** what the final decision takes beside the beats: the matches read here (the same windows, the same spec)
   * and, when some beat moved, DecisionInputs.secondTemplate (1 for the moved beats) */
  decision: Pick<DecisionInputs, "matches" | "secondTemplate">;
}

/**
 * The second templates of the beats' records and the beats that take them, from the first pass's net
 * probabilities `net` (the model's decision without its QRS veto says which beats are N). `exclude`: beats left
 * out of a template (e.g. padded edge windows).
 */
export function secondTemplates(
  spec: DecisionSpec & { secondTemplate?: SecondTemplate },
  net: Float32Array,
  beats: DecisionInputs & { windows: Float32Array },
  exclude?: Uint8Array,
): SecondTemplates {
  const s = spec.secondTemplate;
  if (!s) return { templates: new Map(), moved: [], decision: {} };
  const len = windowLength(spec.window);
  const fs = spec.fs ?? 360;
  const n = beats.windows.length / len;
  const N = spec.classes.indexOf(USUAL_CLASS);
  // what the guard reads and each beat's QRS match with its record's median beat: computed once for both
  const matches = beatMatchesOf(spec, beats);
  const first = decideProbs({ ...spec, qrsVeto: undefined }, net, { ...beats, matches });
  const called = argmaxRows(first.probs, spec.classes.length);
  const q1 = matches.qrs ?? qrsMatch(beats.windows, len, spec.window.before, fs, beats.record);
  const usual = Uint8Array.from(called, (c, i) => (c === N && !exclude?.[i] ? 1 : 0));
  const { templates, moved } = templatesOfSecondShape(
    s,
    beats.windows,
    { len, before: spec.window.before, fs },
    { record: beats.record, usual, q1 },
  );
  if (templates.size === 0) return { templates, moved, decision: { matches } };
  const mask = new Uint8Array(n);
  for (const i of moved) mask[i] = 1;
  return { templates, moved, decision: moved.length ? { matches, secondTemplate: mask } : { matches } };
}

/**
 * The core of secondTemplates, whatever says which beats are usual (the model's N calls at inference; the N labels
 * of a training part, train --second-template-in-training): per record (contiguous rows of `record`), the usual beats
 * whose QRS correlates < `below` with the record's median beat (`q1`, qrsMatch) form a second template, their median
 * window, when they are >= max(min, fraction x the usual beats); `moved`: the beats of such records whose QRS matches
 * that template better than the median beat, ascending.
 */
export function templatesOfSecondShape(
  s: SecondTemplate,
  windows: Float32Array,
  shape: { len: number; before: number; fs: number },
  beats: { record?: readonly string[]; usual: Uint8Array; q1?: Float32Array },
): { templates: Map<string, Float32Array>; moved: number[] } {
  const { len } = shape;
  const n = windows.length / len;
  const q1 = beats.q1 ?? qrsMatch(windows, len, shape.before, shape.fs, beats.record);
  const templates = new Map<string, Float32Array>();
  const moved: number[] = [];
  const odd = new Uint8Array(n);
  for (const idx of recordRuns(n, beats.record)) {
    const usual = idx.filter((i) => beats.usual[i]);
    const unlike = usual.filter((i) => q1[i] < s.below);
    if (unlike.length < Math.max(s.min, s.fraction * usual.length)) continue;
    templates.set(beats.record?.[idx[0]] ?? "", medianTemplate(gatherRows(windows, len, unlike), len));
    for (const i of unlike) odd[i] = 1;
  }
  if (templates.size === 0) return { templates, moved };
  const region = qrsRegion(len, shape.before, shape.fs);
  const q2 = regionMatch(windows, len, region, beats.record, { usual: odd, min: 1 });
  for (let i = 0; i < n; i++) if (templates.has(beats.record?.[i] ?? "") && q2[i] > q1[i]) moved.push(i);
  return { templates, moved };
}
