// Multi-segment records read as one merged record (as wfdb-python's rdrecord does): the segments' samples are
// concatenated signal by signal. Fixed layout: every segment has the first segment's signals. Variable layout:
// a 0-length first segment (the layout header) names the signals; a segment lacking a signal, and a "~" null
// segment, give invalid samples there.
import { join } from "node:path";
import { WfdbError } from "./errors.js";
import { readHeader, type Header, type SignalSpec } from "./header.js";
import { invalidValue } from "./formats/index.js";
import type { ReadOptions, SignalData, WfdbRecord } from "./record.js";
import { frameRange, readSingleSegment, selectSignals } from "./single.js";

interface Part {
  header: Header | null; // null: a "~" null segment
  start: number; // first frame in the merged record
  nSamples: number;
}

/** Finds, in a segment, the signal standing for merged signal `j` (by position if fixed, else by name). */
function signalIn(h: Header, j: number, name: string, fixed: boolean): number {
  return fixed ? (j < h.nSignals ? j : -1) : h.signals.findIndex((t) => t.description === name);
}

/**
 * The merged record's signals: the layout header's (variable layout) or the first real segment's (fixed).
 * Where every segment stores a signal with the same format, gain and baseline, those are the merged ones and
 * samples are copied exactly. Where segments disagree, samples are rescaled to the layout's (or first
 * segment's) gain and baseline and held as format 32, wide enough for any of them.
 */
function mergedSpecs(parts: Part[], layout: Header | null): SignalSpec[] {
  const fixed = layout === null;
  const source = layout ?? parts.find((p) => p.header)?.header ?? null;
  if (!source) return [];
  return source.signals.map((s, j) => {
    const inSegments = parts.flatMap((p) => {
      const k = p.header ? signalIn(p.header, j, s.description, fixed) : -1;
      return k >= 0 ? [(p.header as Header).signals[k]] : [];
    });
    if (inSegments.length === 0) return s;
    const t = inSegments[0];
    const agree = inSegments.every(
      (u) => u.format === t.format && u.gain === t.gain && u.baseline === t.baseline,
    );
    if (agree)
      return {
        ...s,
        format: t.format,
        gain: t.gain,
        baseline: t.baseline,
        samplesPerFrame: t.samplesPerFrame,
      };
    return { ...s, format: 32, samplesPerFrame: t.samplesPerFrame };
  });
}

/** Reads a multi-segment record whose segment headers live in `dir`. */
export async function readMultiSegment(
  dir: string,
  header: Header,
  opts: ReadOptions = {},
): Promise<WfdbRecord> {
  const segments = header.segments ?? [];
  let layout: Header | null = null;
  const parts: Part[] = [];
  let start = 0;
  for (const [i, seg] of segments.entries()) {
    const h = seg.name === "~" ? null : await readHeader(join(dir, seg.name));
    if (h?.segments)
      throw new WfdbError("header", `segment ${seg.name} of ${header.recordName} is itself multi-segment`);
    if (i === 0 && seg.nSamples === 0) {
      layout = h;
      continue;
    }
    // Checked before any allocation: a segment cannot be longer than its own header says.
    if (h?.nSamples !== undefined && h.nSamples < seg.nSamples)
      throw new WfdbError(
        "truncated",
        `segment ${h.recordName} has ${h.nSamples} frames, its record says ${seg.nSamples}`,
      );
    parts.push({ header: h, start, nSamples: seg.nSamples });
    start += seg.nSamples;
  }
  const specs = mergedSpecs(parts, layout);
  const merged: Header = { ...header, signals: specs, nSignals: specs.length };
  const selected = selectSignals(merged, opts.signals);
  const nFrames = header.nSamples ?? start;
  const maxSpf = Math.max(1, ...selected.map((i) => specs[i].samplesPerFrame));
  const [from, to] = frameRange(opts, Math.min(nFrames, start), header.recordName, maxSpf);
  const out = selected.map((i): SignalData => {
    const s = specs[i];
    const invalid = invalidValue(s.format);
    return {
      name: s.description,
      units: s.units,
      gain: s.gain,
      baseline: s.baseline,
      samplesPerFrame: s.samplesPerFrame,
      format: s.format,
      digital: new Int32Array((to - from) * s.samplesPerFrame).fill(invalid),
      index: i,
      invalid,
    };
  });
  const fixed = layout === null;
  for (const p of parts) {
    const a = Math.max(from, p.start);
    const b = Math.min(to, p.start + p.nSamples);
    if (a >= b || !p.header) continue;
    await copySegment(dir, p, a, b, from, out, fixed, opts.verifyChecksum);
  }
  return { header: merged, fs: header.fs, from, to, signals: out };
}

/** Reads frames [a, b) (merged numbering) of one segment into the merged signals. */
async function copySegment(
  dir: string,
  p: Part,
  a: number,
  b: number,
  from: number,
  out: SignalData[],
  fixed: boolean,
  verifyChecksum: boolean | undefined,
): Promise<void> {
  const h = p.header as Header;
  const pick = out.map((sig) =>
    fixed
      ? sig.index < h.nSignals
        ? sig.index
        : -1
      : h.signals.findIndex((t) => t.description === sig.name),
  );
  const wanted = [...new Set(pick.filter((i) => i >= 0))];
  if (wanted.length === 0) return;
  if (h.nSamples !== undefined && h.nSamples < p.nSamples)
    throw new WfdbError(
      "truncated",
      `segment ${h.recordName} has ${h.nSamples} frames, its record says ${p.nSamples}`,
    );
  const rec = await readSingleSegment(dir, h, {
    from: a - p.start,
    to: b - p.start,
    signals: wanted,
    verifyChecksum,
  });
  out.forEach((sig, j) => {
    if (pick[j] < 0) return;
    const src = rec.signals[wanted.indexOf(pick[j])];
    if (src.samplesPerFrame !== sig.samplesPerFrame)
      throw new WfdbError(
        "format",
        `signal ${sig.name}: segment ${h.recordName} has ${src.samplesPerFrame} samples per frame, not ${sig.samplesPerFrame}`,
      );
    const at = (a - from) * sig.samplesPerFrame;
    if (src.gain === sig.gain && src.baseline === sig.baseline && src.invalid === sig.invalid) {
      sig.digital.set(src.digital, at);
      return;
    }
    // Different ADC settings in this segment: express its samples in the merged signal's units.
    const d = src.digital;
    const scale = sig.gain / src.gain;
    for (let i = 0; i < d.length; i++)
      sig.digital[at + i] =
        d[i] === src.invalid ? sig.invalid : Math.round((d[i] - src.baseline) * scale + sig.baseline);
  });
}
