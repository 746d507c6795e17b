import { classCounts } from "./balance.js";
import { SCHEMES, labelOf, type SchemeName } from "./labels.js";
import { RR_DIM, RR_FEATURES } from "./rr.js";
import type { BeatSource } from "./source.js";
import {
  INTER_VAL_RECORDS,
  PART_NAMES,
  checkInterValRecords,
  partOf,
  type PartName,
  type SplitName,
} from "./split.js";
import { DEFAULT_WINDOW, windowLength, type WindowSpec } from "./window.js";
import { extractRecordBeats, type Resampler, type RecordTable } from "./record-beats.js";
import { loadTables } from "./cache.js";
import { medianTemplate } from "./template.js";
import { resample as sincResample } from "../signal/index.js";
import type { LeadChoice, LeadSpec } from "../wfdb/index.js";

/** The lead datasets read and models are trained on: mitdb's modified limb lead II, by name. */
export const DEFAULT_LEAD = "MLII";

/** The rate beat windows are cut at unless BuildOptions.fs says otherwise (mitdb's own). */
export const DATASET_FS = 360;

/** One part of a dataset: n beats, row-major. */
export interface BeatPart {
  /** n x windowLength z-normalised samples. */
  x: Float32Array;
  /** n class indices into `classes`. */
  y: Int32Array;
  /** n x RR_DIM RR features (see RR_FEATURES). */
  rr: Float32Array;
  /** Record name of each beat. */
  record: string[];
  /** Annotation sample index of each beat, at the record's own rate (the split key). */
  sample: Int32Array;
}

export interface BeatDataset {
  scheme: SchemeName;
  split: SplitName;
  classes: readonly string[];
  /** Where each beat's window sits around its R peak (DEFAULT_WINDOW unless built with another). */
  window: WindowSpec;
  windowLength: number;
  rrFeatures: readonly string[];
  parts: Record<PartName, BeatPart>;
  /** Records used (after the scheme's exclusions) and the inter validation hold-out. */
  records: string[];
  valRecords: readonly string[];
  /** Each record's template (medianTemplate of all its beats' windows, any label). */
  templates: Map<string, Float32Array>;
  /** Beats of the scheme's classes lost because their window left the record or held invalid samples. */
  dropped: { edge: number; invalid: number };
  /** The lead asked for (a signal name or number). */
  lead: LeadSpec;
  /** Records (of `records`) with no signal of that name, read at the fallback signal number instead. */
  leadFallbacks: ({ record: string } & LeadChoice)[];
}

export interface BuildOptions {
  source: BeatSource;
  scheme: SchemeName;
  split: SplitName;
  /** Only these records (default: all of the source, minus the scheme's exclusions). */
  records?: string[];
  /** The lead: a signal name (no such signal: signal 0) or a signal number; default DEFAULT_LEAD ("MLII"). */
  lead?: LeadSpec;
  window?: WindowSpec;
  /** Rate the windows are cut at; records at another rate are resampled to it first. Default 360. */
  fs?: number;
  /** Default: src/signal's polyphase windowed-sinc resampler. */
  resample?: Resampler;
  /** Validation records of the inter split (all in DS1). */
  valRecords?: readonly string[];
  /** Directory for a binary cache of the extracted beats (keyed by settings and data); none if absent. */
  cacheDir?: string;
}

export function emptyPart(len: number, n = 0): BeatPart {
  return {
    x: new Float32Array(n * len),
    y: new Int32Array(n),
    rr: new Float32Array(n * RR_DIM),
    record: new Array<string>(n),
    sample: new Int32Array(n),
  };
}

const defaultResample: Resampler = (x, fromHz, toHz) => sincResample(x, fromHz, toHz);

/** Builds the beat dataset of a label scheme and split; see the module README for every rule. */
export async function buildBeatDataset(opts: BuildOptions): Promise<BeatDataset> {
  const scheme = SCHEMES[opts.scheme];
  const spec = opts.window ?? DEFAULT_WINDOW;
  const len = windowLength(spec);
  const valRecords = opts.valRecords ?? INTER_VAL_RECORDS;
  checkInterValRecords(valRecords);
  const all = opts.records ?? (await opts.source.records());
  const resample = opts.resample ?? defaultResample;
  const settings = { lead: opts.lead ?? DEFAULT_LEAD, window: spec, fs: opts.fs ?? DATASET_FS, resample };
  // Extract (or load from the cache) every record, whatever the scheme: one cache serves both schemes.
  const tables = (await loadTables(opts.source, all, settings, opts.cacheDir, extractRecordBeats)).filter(
    (t) => !scheme.excludedRecords.includes(t.record),
  );
  const records = tables.map((t) => t.record);

  // Pass 1: the part and label of every kept beat; pass 2: copy into typed arrays.
  const parts = {} as Record<PartName, BeatPart>;
  const plan = tables.map((t) => planRecord(t, opts.scheme, opts.split, valRecords));
  for (const p of PART_NAMES)
    parts[p] = emptyPart(
      len,
      plan.reduce((s, q) => s + q.count[p], 0),
    );
  const fill: Record<PartName, number> = { train: 0, val: 0, test: 0 };
  const dropped = { edge: 0, invalid: 0 };
  tables.forEach((t, ti) => {
    dropped.edge += plan[ti].droppedEdge;
    dropped.invalid += plan[ti].droppedInvalid;
    plan[ti].part.forEach((p, i) => {
      if (p === null) return;
      const dst = parts[p];
      const k = fill[p]++;
      dst.x.set(t.x.subarray(i * len, (i + 1) * len), k * len);
      dst.rr.set(t.rr.subarray(i * RR_DIM, (i + 1) * RR_DIM), k * RR_DIM);
      dst.y[k] = plan[ti].label[i];
      dst.record[k] = t.record;
      dst.sample[k] = t.sample[i];
    });
  });
  return {
    scheme: opts.scheme,
    split: opts.split,
    classes: scheme.classes,
    window: { ...spec },
    windowLength: len,
    rrFeatures: RR_FEATURES,
    parts,
    records,
    valRecords: opts.split === "inter" ? valRecords : [],
    templates: new Map(tables.map((t) => [t.record, medianTemplate(t.x, len)])),
    dropped,
    lead: settings.lead,
    leadFallbacks: tables.flatMap((t) => (t.lead?.fellBack ? [{ record: t.record, ...t.lead }] : [])),
  };
}

interface RecordPlan {
  part: (PartName | null)[];
  label: Int32Array;
  count: Record<PartName, number>;
  droppedEdge: number;
  droppedInvalid: number;
}

function planRecord(
  t: RecordTable,
  schemeName: SchemeName,
  split: SplitName,
  valRecords: readonly string[],
): RecordPlan {
  const scheme = SCHEMES[schemeName];
  const n = t.sample.length;
  const part = new Array<PartName | null>(n).fill(null);
  const label = new Int32Array(n).fill(-1);
  const count: Record<PartName, number> = { train: 0, val: 0, test: 0 };
  for (let i = 0; i < n; i++) {
    const y = labelOf(scheme, t.symbol[i]);
    const p = y < 0 ? null : partOf(split, t.record, t.sample[i], valRecords);
    if (p === null) continue;
    part[i] = p;
    label[i] = y;
    count[p]++;
  }
  const inScheme = (syms: string[]) => syms.filter((s) => labelOf(scheme, s) >= 0).length;
  const used = split === "intra" || partOf(split, t.record, 0, valRecords) !== null;
  return {
    part,
    label,
    count,
    droppedEdge: used ? inScheme(t.droppedEdge) : 0,
    droppedInvalid: used ? inScheme(t.droppedInvalid) : 0,
  };
}

/** Class counts of a part, as { className: count }. */
export function partCounts(y: ArrayLike<number>, classes: readonly string[]): Record<string, number> {
  const c = classCounts(y, classes.length);
  return Object.fromEntries(classes.map((name, i) => [name, c[i]]));
}

/** The rows `idx` of a part, in that order (e.g. an oversampled or shuffled training set). */
export function takeRows(part: BeatPart, idx: ArrayLike<number>, len: number): BeatPart {
  const out = emptyPart(len, idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    out.x.set(part.x.subarray(i * len, (i + 1) * len), k * len);
    out.rr.set(part.rr.subarray(i * RR_DIM, (i + 1) * RR_DIM), k * RR_DIM);
    out.y[k] = part.y[i];
    out.record[k] = part.record[i];
    out.sample[k] = part.sample[i];
  }
  return out;
}
