// Format 8: each byte is a signed 8-bit first difference from the previous sample of the same signal;
// every signal starts from its header initial value.

/**
 * Decodes `n` interleaved samples of format 8 from the start of a signal file. `slotSignal[k]` is the signal
 * (index into `init`) that owns slot k of a frame of `slotSignal.length` samples; `init` holds the initial values.
 */
export function decodeDifference8(
  bytes: Uint8Array,
  n: number,
  slotSignal: ArrayLike<number>,
  init: ArrayLike<number>,
  out: Int32Array,
): void {
  const acc = Int32Array.from(init as ArrayLike<number>);
  const frame = slotSignal.length;
  for (let i = 0, k = 0; i < n; i++) {
    const s = slotSignal[k];
    acc[s] += (bytes[i] << 24) >> 24;
    out[i] = acc[s];
    if (++k === frame) k = 0;
  }
}
