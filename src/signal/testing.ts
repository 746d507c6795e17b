/** Helpers shared by the signal tests (no test runner imports here). */

/** Splits `x` into random chunks (sizes 0..maxChunk) with a seeded generator. */
export function randomChunks(x: ArrayLike<number>, seed: number, maxChunk = 5000): Float64Array[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const out: Float64Array[] = [];
  for (let i = 0; i < x.length;) {
    const k = Math.min(x.length - i, Math.floor(next() * (maxChunk + 1)));
    out.push(Float64Array.from(Array.prototype.slice.call(x, i, i + k) as number[]));
    i += k;
  }
  return out;
}

/** Concatenates the pushes and the flush of a stream over the given chunks. */
export function runChunks(
  s: { push(c: ArrayLike<number>): Float64Array; flush(): Float64Array },
  chunks: ArrayLike<number>[],
): Float64Array {
  const parts = chunks.map((c) => s.push(c));
  parts.push(s.flush());
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Sine of `hz` at `fs`, n samples, amplitude `amp`. */
export function sine(hz: number, fs: number, n: number, amp = 1, phase = 0): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / fs + phase));
}

/** Largest absolute difference over [from, to). */
export function maxAbsDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  from = 0,
  to = Math.min(a.length, b.length),
): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
