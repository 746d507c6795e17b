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
