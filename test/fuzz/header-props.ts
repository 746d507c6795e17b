// Property-based fuzzing of the header parser: mutated real headers, absurd field values, random text.
import fc from "fast-check";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { decodeText, parseHeader, type Header } from "../../src/wfdb/header.js";
import { WfdbError } from "../../src/wfdb/errors.js";
import { CONFORMANCE } from "../shared.js";
import { wfdbErrorOrValue, type FuzzProperty } from "./check.js";

const FALLBACK = [
  "100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200 11 1024 1011 20052 0 V5\n# 69 M\n",
  "041s/3 125 3000\n041s01 1000\n~ 500\n041s02 1500\n",
];

/** Real headers (the conformance set when present) to mutate. */
export function seedHeaders(): string[] {
  if (!existsSync(CONFORMANCE)) return FALLBACK;
  const out: string[] = [...FALLBACK];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".hea")) out.push(readFileSync(join(dir, e.name), "latin1"));
    }
  };
  walk(CONFORMANCE);
  return out;
}

/** Field values a hostile or broken header might carry. */
export const ABSURD = [
  "0",
  "-1",
  "-99999999999",
  "99999999999999999999",
  "4294967296",
  "9007199254740993",
  "1e308",
  "1e400",
  "1e-400",
  "NaN",
  "Infinity",
  "0x10",
  "",
  "16x0",
  "16x99999999999",
  "212x4294967296",
  "212:99999999",
  "16+99999999999",
  "999",
  "7",
  "8",
  "508",
  "0(0)/",
  "200(99999999999999999999)/mV",
  "-200(-5)/mV",
  "(",
  "/",
  "1/0",
  "360/0(0)",
  "rec/99999999999",
  "rec/4294967296",
  "rec/0",
  "~",
  "..",
  "../../etc/passwd",
  "a\u0000b",
];

const tokenRe = /[^\s]+/g;

/** Replaces the k-th token of `text` (wrapping around) with `value`. */
export function replaceToken(text: string, k: number, value: string): string {
  const spans = [...text.matchAll(tokenRe)].map((m) => [m.index ?? 0, (m.index ?? 0) + m[0].length]);
  if (spans.length === 0) return value;
  const [a, b] = spans[k % spans.length];
  return text.slice(0, a) + value + text.slice(b);
}

export function arbMutatedHeader(seeds: string[]): fc.Arbitrary<string> {
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    fc.tuple(seed, fc.nat(), fc.constantFrom(...ABSURD)).map(([t, k, v]) => replaceToken(t, k, v)),
    fc
      .tuple(seed, fc.nat(), fc.constantFrom(...ABSURD), fc.nat(), fc.constantFrom(...ABSURD))
      .map(([t, k, v, k2, v2]) => replaceToken(replaceToken(t, k, v), k2, v2)),
    fc.tuple(seed, fc.nat()).map(([t, k]) => t.slice(0, k % (t.length + 1))),
    fc.tuple(seed, fc.nat(), fc.string({ maxLength: 3 })).map(([t, k, s]) => {
      const i = k % (t.length + 1);
      return t.slice(0, i) + s + t.slice(i + 1);
    }),
    fc.string({ maxLength: 200 }),
    fc.array(fc.constantFrom(...ABSURD, " ", "\n", "#"), { maxLength: 30 }).map((a) => a.join(" ")),
  );
}

/** What any parsed header must satisfy. */
export function checkHeader(h: Header): void {
  const bad = (what: string) => new Error(`accepted a header with ${what}`);
  if (!(h.fs > 0) || !Number.isFinite(h.fs)) throw bad(`fs ${h.fs}`);
  if (!Number.isSafeInteger(h.nSignals) || h.nSignals < 0) throw bad(`nSignals ${h.nSignals}`);
  if (h.nSamples !== undefined && (!Number.isSafeInteger(h.nSamples) || h.nSamples < 0)) {
    throw bad(`nSamples ${h.nSamples}`);
  }
  if (!h.segments && h.signals.length !== h.nSignals) throw bad("a signal count that differs from its lines");
  for (const s of h.signals) {
    if (!Number.isSafeInteger(s.samplesPerFrame) || s.samplesPerFrame < 1)
      throw bad(`spf ${s.samplesPerFrame}`);
    if (!Number.isSafeInteger(s.skew) || s.skew < 0) throw bad(`skew ${s.skew}`);
    if (!Number.isSafeInteger(s.byteOffset) || s.byteOffset < 0) throw bad(`byte offset ${s.byteOffset}`);
    if (!Number.isFinite(s.gain) || s.gain === 0) throw bad(`gain ${s.gain}`);
    if (!Number.isSafeInteger(s.baseline)) throw bad(`baseline ${s.baseline}`);
  }
  for (const g of h.segments ?? []) {
    if (!g || !Number.isSafeInteger(g.nSamples) || g.nSamples < 0) throw bad("a bad segment length");
  }
}

export function headerProperties(): FuzzProperty[] {
  const seeds = seedHeaders();
  return [
    {
      name: "header: mutated, truncated and random headers parse to a sane Header or a WfdbError",
      parser: "header",
      run: async (n, seed) =>
        fc.assert(
          fc.property(arbMutatedHeader(seeds), (text) => {
            const r = wfdbErrorOrValue(() => parseHeader(text));
            if (!(r instanceof WfdbError)) checkHeader(r);
          }),
          { numRuns: n, ...(seed === undefined ? {} : { seed }) },
        ),
    },
    {
      name: "header: random bytes (as read from a .hea file) parse to a sane Header or a WfdbError",
      parser: "header",
      run: async (n, seed) =>
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
            const r = wfdbErrorOrValue(() => parseHeader(decodeText(bytes)));
            if (!(r instanceof WfdbError)) checkHeader(r);
          }),
          { numRuns: n, ...(seed === undefined ? {} : { seed }) },
        ),
    },
  ];
}
