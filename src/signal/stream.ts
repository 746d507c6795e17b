/** A chunk-by-chunk filter: `push` returns the samples that became final, `flush` the rest. */
export interface SignalStream {
  push(chunk: ArrayLike<number>): Float64Array;
  flush(): Float64Array;
}

/** Runs a stream over a whole signal in one chunk: the whole-signal version of every streaming filter. */
export function runWhole(s: SignalStream, x: ArrayLike<number>): Float64Array {
  const a = s.push(x);
  const b = s.flush();
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** `buf` if it has room past its first `len` values, else a copy of twice its size (those values kept). */
export function withRoom(buf: Float64Array, len: number): Float64Array {
  if (len !== buf.length) return buf;
  const b = new Float64Array(buf.length * 2);
  b.set(buf);
  return b;
}
