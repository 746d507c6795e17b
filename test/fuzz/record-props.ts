// Property-based fuzzing of the signal reader (readRecord on temporary files): records written by
// writeRecord, then truncated, bit-flipped, given absurd header values, random signal bytes in any format,
// or wrapped in multi-segment headers with arbitrary lengths. Each read must give the written samples, a
// consistent record, or a WfdbError: never another exception, a hang or silently different samples.
import fc from "fast-check";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { readRecord, type WfdbRecord } from "../../src/wfdb/record.js";
import { readHeader } from "../../src/wfdb/header.js";
import { CONFORMANCE } from "../shared.js";
import { writeRecord, type WriteRecordSpec } from "../../src/wfdb/write-record.js";
import { SUPPORTED_FORMATS } from "../../src/wfdb/formats/index.js";
import { WfdbError } from "../../src/wfdb/errors.js";
import { ABSURD, replaceToken } from "./header-props.js";
import { wfdbErrorOrValueAsync, type FuzzProperty } from "./check.js";

const RANGES: Record<number, [number, number]> = { 16: [-32768, 32767], 212: [-2048, 2047], 80: [-128, 127] };

interface RecordCase {
  formats: number[];
  spf: number[];
  frames: number;
  shared: boolean;
  seed: number;
}

const arbRecord: fc.Arbitrary<RecordCase> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    formats: fc.array(fc.constantFrom(16, 212, 80), { minLength: 3, maxLength: 3 }),
    spf: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
    frames: fc.integer({ min: 0, max: 60 }),
    shared: fc.boolean(),
    seed: fc.integer(),
  })
  .map(({ n, formats, spf, frames, shared, seed }) => ({
    formats: shared ? formats.slice(0, n).map(() => formats[0]) : formats.slice(0, n),
    spf: spf.slice(0, n),
    frames,
    shared,
    seed,
  }));

/** Deterministic samples for a case (a small LCG keeps generation cheap). */
function samplesOf(c: RecordCase): Int32Array[] {
  let x = c.seed >>> 0;
  return c.formats.map((f, i) => {
    const [lo, hi] = RANGES[f];
    const out = new Int32Array(c.frames * c.spf[i]);
    for (let k = 0; k < out.length; k++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      out[k] = lo + (x % (hi - lo + 1));
    }
    return out;
  });
}

let root: string | undefined;
let counter = 0;
function caseDir(): string {
  root ??= mkdtempSync(join(tmpdir(), "av-fuzz-rec-"));
  const d = join(root, `c${counter++}`);
  mkdirSync(d);
  return d;
}

async function writeCase(dir: string, c: RecordCase): Promise<Int32Array[]> {
  const signals = samplesOf(c);
  const spec: WriteRecordSpec = {
    fs: 250,
    signals: c.formats.map((format, i) => ({
      fileName: c.shared ? "r.dat" : `r_${i}.dat`,
      format,
      samplesPerFrame: c.spf[i],
      gain: 100,
      baseline: 0,
      units: "mV",
      description: `s${i}`,
    })),
  };
  await writeRecord(join(dir, "r"), spec, signals);
  return signals;
}

const HANG_MS = 10_000;

/** readRecord, failing the property on a hang or any exception that is not a WfdbError. */
async function read(path: string): Promise<WfdbRecord | WfdbError> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`readRecord(${path}) still running after ${HANG_MS} ms`)),
      HANG_MS,
    );
  });
  try {
    return await Promise.race([wfdbErrorOrValueAsync(() => readRecord(path)), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** A record that was read must be shaped as it claims. */
function checkShape(r: WfdbRecord): void {
  if (!Number.isSafeInteger(r.from) || !Number.isSafeInteger(r.to) || r.to < r.from) {
    throw new Error(`bad range [${r.from}, ${r.to})`);
  }
  for (const s of r.signals) {
    if (s.digital.length !== (r.to - r.from) * s.samplesPerFrame)
      throw new Error(`signal ${s.name}: wrong length`);
  }
}

function sameSamples(r: WfdbRecord, want: Int32Array[]): boolean {
  return (
    r.signals.length === want.length &&
    r.signals.every(
      (s, i) => s.digital.length === want[i].length && s.digital.every((v, k) => v === want[i][k]),
    )
  );
}

const datFiles = (dir: string) => readdirSync(dir).filter((f) => !f.endsWith(".hea"));

type Mutation = (dir: string, pick: number, value: string) => void;

const MUTATIONS: Record<string, Mutation> = {
  truncate: (dir, pick) => {
    const files = datFiles(dir);
    const f = join(dir, files[pick % files.length]);
    const size = readFileSync(f).length;
    if (size > 0) truncateSync(f, pick % size);
  },
  flip: (dir, pick) => {
    const files = datFiles(dir);
    const f = join(dir, files[pick % files.length]);
    const b = readFileSync(f);
    if (b.length === 0) return;
    b[(pick >>> 3) % b.length] ^= 1 << (pick & 7);
    writeFileSync(f, b);
  },
  header: (dir, pick, value) => {
    const f = join(dir, "r.hea");
    writeFileSync(f, replaceToken(readFileSync(f, "latin1"), pick, value));
  },
};

function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = caseDir();
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const opts = (n: number, seed?: number) => ({ numRuns: n, ...(seed === undefined ? {} : { seed }) });

/** Small single-segment conformance records covering every byte format, FLAC, skew, offsets, frames. */
const CONFORMANCE_RECORDS = [
  "binformats",
  "flacformats",
  "100_3chan",
  "310derive",
  "311derive",
  "3000003_0003",
  "test01_00s",
  "test01_00s_frame",
  "test01_00s_skew",
  "mixedsignals",
];

interface Original {
  name: string;
  files: string[];
  samples: Int32Array[];
  checksums: (number | undefined)[];
}

async function loadOriginals(): Promise<Original[]> {
  const out: Original[] = [];
  for (const name of CONFORMANCE_RECORDS) {
    const base = join(CONFORMANCE, name);
    if (!existsSync(base + ".hea")) continue;
    const h = await readHeader(base);
    const files = [...new Set(h.signals.map((s) => s.fileName))].filter((f) => f !== "~");
    if (!files.every((f) => existsSync(join(CONFORMANCE, f)))) continue;
    const r = await readRecord(base);
    out.push({
      name,
      files,
      samples: r.signals.map((x) => x.digital),
      checksums: h.signals.map((x) => x.checksum),
    });
  }
  return out;
}

/** Whether every signal's samples sum (mod 2^16) to its header checksum: a change the checksum cannot see. */
function checksumsAgree(r: WfdbRecord, o: Original): boolean {
  return r.signals.every((s, i) => {
    let sum = 0;
    for (const v of s.digital) sum = (sum + v) | 0;
    return o.checksums[i] !== undefined && (sum & 0xffff) === ((o.checksums[i] as number) & 0xffff);
  });
}

function conformanceProperty(originals: Original[]): FuzzProperty {
  return {
    name: "signals: conformance records (formats 8-524, skew, frames) truncated or bit-flipped: exact or WfdbError",
    parser: "signals",
    run: (n, seed) =>
      fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...originals),
          fc.constantFrom("truncate", "flip"),
          fc.nat(),
          (o, m, pick) =>
            withDir(async (dir) => {
              for (const f of [o.name + ".hea", ...o.files]) copyFileSync(join(CONFORMANCE, f), join(dir, f));
              MUTATIONS[m](dir, pick, "");
              const r = await read(join(dir, o.name));
              if (r instanceof WfdbError) return;
              checkShape(r);
              // A change is acceptable only where the 16-bit checksums cannot see it (or there are none).
              if (
                !sameSamples(r, o.samples) &&
                o.checksums.every((c) => c !== undefined) &&
                !checksumsAgree(r, o)
              )
                throw new Error(`${o.name} ${m} ${pick}: different samples accepted despite checksums`);
            }),
        ),
        opts(n, seed),
      ),
  };
}

export async function recordProperties(): Promise<FuzzProperty[]> {
  const originals = await loadOriginals();
  const extra = originals.length ? [conformanceProperty(originals)] : [];
  return [
    ...extra,
    {
      name: "signals: written records read back exactly (16/212/80, shared files, multi-frequency)",
      parser: "signals",
      run: (n, seed) =>
        fc.assert(
          fc.asyncProperty(arbRecord, (c) =>
            withDir(async (dir) => {
              const want = await writeCase(dir, c);
              const r = await read(join(dir, "r"));
              if (r instanceof WfdbError) throw new Error(`valid record refused: ${r.message}`);
              if (!sameSamples(r, want)) throw new Error("samples differ");
            }),
          ),
          opts(n, seed),
        ),
    },
    {
      name: "signals: truncated or bit-flipped files give a WfdbError or the exact samples",
      parser: "signals",
      run: (n, seed) =>
        fc.assert(
          fc.asyncProperty(arbRecord, fc.constantFrom("truncate", "flip"), fc.nat(), (c, m, pick) =>
            withDir(async (dir) => {
              const want = await writeCase(dir, c);
              MUTATIONS[m](dir, pick, "");
              const r = await read(join(dir, "r"));
              if (!(r instanceof WfdbError) && !sameSamples(r, want))
                throw new Error(`${m}: silently different samples`);
            }),
          ),
          opts(n, seed),
        ),
    },
    {
      name: "signals: absurd header values give a consistent record or a WfdbError",
      parser: "signals",
      run: (n, seed) =>
        fc.assert(
          fc.asyncProperty(arbRecord, fc.nat(), fc.constantFrom(...ABSURD), (c, pick, value) =>
            withDir(async (dir) => {
              await writeCase(dir, c);
              MUTATIONS.header(dir, pick, value);
              const r = await read(join(dir, "r"));
              if (!(r instanceof WfdbError)) checkShape(r);
            }),
          ),
          opts(n, seed),
        ),
    },
    {
      name: "signals: random bytes in every format give a consistent record or a WfdbError",
      parser: "signals",
      run: (n, seed) =>
        fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...SUPPORTED_FORMATS, 0, 7, 999),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 3 }),
            fc.option(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(2 ** 40)), { nil: undefined }),
            fc.uint8Array({ maxLength: 600 }),
            fc.boolean(),
            (format, nSig, spf, nSamples, bytes, flacMagic) =>
              withDir(async (dir) => {
                const body = flacMagic ? Uint8Array.from([0x66, 0x4c, 0x61, 0x43, ...bytes]) : bytes;
                writeFileSync(join(dir, "r.dat"), body);
                const lines = [`r ${nSig} 250${nSamples === undefined ? "" : ` ${nSamples}`}`];
                for (let i = 0; i < nSig; i++)
                  lines.push(`r.dat ${format}${spf > 1 ? `x${spf}` : ""} 200 0 0 0 0 0 s${i}`);
                writeFileSync(join(dir, "r.hea"), lines.join("\n") + "\n");
                const r = await read(join(dir, "r"));
                if (!(r instanceof WfdbError)) checkShape(r);
              }),
          ),
          opts(n, seed),
        ),
    },
    {
      name: "signals: multi-segment headers with arbitrary segment lengths give a consistent record or a WfdbError",
      parser: "signals",
      run: (n, seed) =>
        fc.assert(
          fc.asyncProperty(
            arbRecord,
            fc.array(
              fc.tuple(
                fc.constantFrom("r", "~", "missing", "m"),
                fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(2 ** 31, 2 ** 40, 2 ** 52)),
              ),
              { minLength: 1, maxLength: 4 },
            ),
            fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
            (c, segs, total) =>
              withDir(async (dir) => {
                await writeCase(dir, c);
                const head = `m/${segs.length} 250${total === undefined ? "" : ` ${total}`}`;
                writeFileSync(
                  join(dir, "m.hea"),
                  [head, ...segs.map(([s, l]) => `${s} ${l}`)].join("\n") + "\n",
                );
                const r = await read(join(dir, "m"));
                if (!(r instanceof WfdbError)) checkShape(r);
              }),
          ),
          opts(n, seed),
        ),
    },
  ];
}
