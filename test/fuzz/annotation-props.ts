// Property-based fuzzing of the annotation parser and writer.
import fc from "fast-check";
import { parseAnnotations, type Annotation } from "../../src/wfdb/annotation.js";
import { encodeAnnotations } from "../../src/wfdb/annotation-write.js";
import { codeToSymbol } from "../../src/wfdb/annotation-codes.js";
import { WfdbError } from "../../src/wfdb/errors.js";
import { wfdbErrorOrValue, type FuzzProperty } from "./check.js";

const latin1 = fc
  .array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 })
  .map((cs) => String.fromCharCode(...cs));

/** Annotation lists the writer accepts (any order, huge samples, code 0, every field range). */
export const arbAnnotations: fc.Arbitrary<Annotation[]> = fc
  .array(
    fc.record({
      sample: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 2 ** 40 })),
      code: fc.integer({ min: 0, max: 58 }),
      subtype: fc.integer({ min: -128, max: 127 }),
      chan: fc.integer({ min: 0, max: 255 }),
      num: fc.integer({ min: -128, max: 127 }),
      aux: fc.oneof(fc.constant(""), latin1),
    }),
    { maxLength: 30 },
  )
  .map((as) => as.map((a) => ({ ...a, symbol: codeToSymbol(a.code) })));

/** A valid file and an index into it. */
const fileAndCut = arbAnnotations.chain((anns) => {
  const bytes = encodeAnnotations(anns);
  return fc.tuple(fc.constant(bytes), fc.integer({ min: 0, max: bytes.length - 1 }));
});

const asserts = (p: fc.IProperty<never> | fc.IProperty<unknown>, numRuns: number, seed?: number) =>
  fc.assert(p as fc.IProperty<unknown>, { numRuns, ...(seed === undefined ? {} : { seed }) });

export const annotationProperties: FuzzProperty[] = [
  {
    name: "annotations: write then read gives the same annotations",
    parser: "annotation",
    run: async (n, seed) =>
      asserts(
        fc.property(arbAnnotations, (anns) => {
          const back = parseAnnotations(encodeAnnotations(anns), { keepAll: true });
          if (JSON.stringify(back.map(tuple)) !== JSON.stringify(anns.map(tuple))) {
            throw new Error("round trip differs");
          }
        }),
        n,
        seed,
      ),
  },
  {
    name: "annotations: every strict prefix of a valid file is a truncation error",
    parser: "annotation",
    run: async (n, seed) =>
      asserts(
        fc.property(fileAndCut, ([bytes, cut]) => {
          const r = wfdbErrorOrValue(() => parseAnnotations(bytes.subarray(0, cut)));
          if (!(r instanceof WfdbError)) throw new Error(`prefix of ${cut}/${bytes.length} bytes accepted`);
        }),
        n,
        seed,
      ),
  },
  {
    name: "annotations: bit flips give annotations or a WfdbError",
    parser: "annotation",
    run: async (n, seed) =>
      asserts(
        fc.property(fileAndCut, fc.integer({ min: 0, max: 7 }), ([bytes, at], bit) => {
          const b = Uint8Array.from(bytes);
          b[at] ^= 1 << bit;
          const r = wfdbErrorOrValue(() => parseAnnotations(b));
          if (!(r instanceof WfdbError)) for (const a of r) checkAnnotation(a);
        }),
        n,
        seed,
      ),
  },
  {
    name: "annotations: random bytes give annotations or a WfdbError",
    parser: "annotation",
    run: async (n, seed) =>
      asserts(
        fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
          const r = wfdbErrorOrValue(() => parseAnnotations(bytes));
          if (!(r instanceof WfdbError)) for (const a of r) checkAnnotation(a);
        }),
        n,
        seed,
      ),
  },
];

const tuple = (a: Annotation) => [a.sample, a.code, a.symbol, a.subtype, a.chan, a.num, a.aux];

function checkAnnotation(a: Annotation): void {
  if (!Number.isSafeInteger(a.sample) || a.sample < 0) throw new Error(`bad sample ${a.sample}`);
  if (a.code < 0 || a.code > 58) throw new Error(`bad code ${a.code}`);
  if (a.aux.length > 255) throw new Error("aux too long");
}
