// Reading a single-segment record: its signal files, a frame range, skew, checksums.
import { WfdbError } from "./errors.js";
import type { Header } from "./header.js";
import { invalidValue } from "./formats/index.js";
import { groupSignals, openGroup, type OpenGroup } from "./signalfile.js";
import type { ReadOptions, SignalData, WfdbRecord } from "./record.js";

/** Validates a signal selection against a header. */
export function selectSignals(header: Header, wanted?: number[]): number[] {
  const all = header.signals.map((_, i) => i);
  if (!wanted) return all;
  for (const s of wanted)
    if (!Number.isInteger(s) || s < 0 || s >= header.nSignals)
      throw new WfdbError(
        "range",
        `no signal ${s} in record ${header.recordName} (it has ${header.nSignals})`,
      );
  return wanted;
}

/** Most samples of one signal read at once (an Int32Array of 2 GiB). */
export const MAX_SAMPLES = 2 ** 29;

/** Validates a frame range against a record length and the largest samples-per-frame read. */
export function frameRange(opts: ReadOptions, nFrames: number, record: string, maxSpf = 1): [number, number] {
  const from = opts.from ?? 0;
  const to = opts.to ?? nFrames;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > nFrames)
    throw new WfdbError("range", `frames [${from}, ${to}) are outside record ${record} (0 to ${nFrames})`);
  if ((to - from) * maxSpf > MAX_SAMPLES)
    throw new WfdbError(
      "range",
      `frames [${from}, ${to}) of ${record} are too many to read at once: read a shorter range`,
    );
  return [from, to];
}

/** Reads a single-segment record whose signal files live in `dir`. */
export async function readSingleSegment(
  dir: string,
  header: Header,
  opts: ReadOptions = {},
): Promise<WfdbRecord> {
  const selected = selectSignals(header, opts.signals);
  const groups = groupSignals(dir, header.signals);
  const wanted = new Set(selected);
  // Open the files that hold wanted signals (all of them when the header does not give the length).
  const needed = groups.filter((g) => header.nSamples === undefined || g.signals.some((s) => wanted.has(s)));
  const opened = await Promise.all(needed.map(openGroup));
  const fileFrames = opened.map((o) => o.frames).filter(Number.isFinite);
  const nFrames = header.nSamples ?? (fileFrames.length ? Math.min(...fileFrames) : 0);
  const maxSpf = Math.max(1, ...selected.map((i) => header.signals[i].samplesPerFrame));
  const [from, to] = frameRange(opts, nFrames, header.recordName, maxSpf);
  const verify = (opts.verifyChecksum ?? true) && from === 0 && to === nFrames;

  const bySignal = new Map<number, SignalData>();
  for (const o of opened) {
    const ids = o.group.signals;
    if (!ids.some((s) => wanted.has(s))) continue;
    for (const s of await readGroup(o, header, from, to, verify)) bySignal.set(s.index, s);
  }
  return { header, fs: header.fs, from, to, signals: selected.map((i) => bySignal.get(i) as SignalData) };
}

async function readGroup(o: OpenGroup, header: Header, from: number, to: number, verify: boolean) {
  const g = o.group;
  if (o.frames < to)
    throw new WfdbError(
      "truncated",
      `${g.path} holds ${o.frames} frames but record ${header.recordName} needs ${to}`,
    );
  const specs = g.signals.map((i) => header.signals[i]);
  const maxSkew = Math.max(...specs.map((s) => s.skew));
  const start = from;
  const end = Math.min(to + maxSkew, o.frames);
  const streams = await o.read(start, end);
  return specs.map((spec, j): SignalData => {
    const stream = streams[j];
    const k = spec.samplesPerFrame;
    const invalid = invalidValue(spec.format);
    if (verify && spec.checksum !== undefined)
      checkSum(stream, to * k, spec.checksum, g.path, spec.description);
    const digital = skewed(stream, (to - from) * k, spec.skew * k, invalid);
    return {
      name: spec.description,
      units: spec.units,
      gain: spec.gain,
      baseline: spec.baseline,
      samplesPerFrame: k,
      format: spec.format,
      digital,
      index: g.signals[j],
      invalid,
    };
  });
}

/** The `n` samples of `stream` from `shift` on; samples past its end (a skew overrunning the file) are invalid. */
function skewed(stream: Int32Array, n: number, shift: number, invalid: number): Int32Array {
  if (shift === 0 && stream.length === n) return stream;
  const out = new Int32Array(n);
  const avail = Math.max(0, Math.min(n, stream.length - shift));
  out.set(stream.subarray(shift, shift + avail));
  out.fill(invalid, avail);
  return out;
}

function checkSum(stream: Int32Array, n: number, want: number, path: string, name: string): void {
  let sum = 0; // exact: partial sums of 2^20 int32 values stay below 2^53
  for (let i0 = 0; i0 < n; i0 += 1 << 20) {
    const end = Math.min(n, i0 + (1 << 20));
    let part = 0;
    for (let i = i0; i < end; i++) part += stream[i];
    sum = (sum + part) % 65536;
  }
  if ((sum & 0xffff) !== (want & 0xffff))
    throw new WfdbError(
      "checksum",
      `checksum mismatch for signal ${JSON.stringify(name)} in ${path}: header says ${want}, samples sum to ${
        ((sum & 0xffff) << 16) >> 16
      }`,
    );
}
