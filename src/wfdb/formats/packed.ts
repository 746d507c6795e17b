// Bit-packed formats: 212 (two 12-bit samples in 3 bytes), 310 and 311 (three 10-bit samples in 4 bytes).
// A trailing partial block reads missing bytes as 0 (the caller checks that the needed bytes exist).
import type { DatCodec } from "./codec.js";

const at = (b: Uint8Array, j: number): number => (j < b.length ? b[j] : 0);

/** 212: sample 0 = byte 0 + low nibble of byte 1 (high bits); sample 1 = byte 2 + high nibble of byte 1. */
const fmt212: DatCodec = {
  samplesPerBlock: 2,
  bytesPerBlock: 3,
  partialBytes: [0, 2], // sample 0: byte 0 and the low nibble of byte 1
  decode(b, n, out) {
    const pairs = n >> 1;
    let j = 0;
    for (let i = 0; i < pairs; i++, j += 3) {
      const mid = b[j + 1];
      out[2 * i] = ((b[j] | ((mid & 0x0f) << 8)) << 20) >> 20;
      out[2 * i + 1] = ((b[j + 2] | ((mid & 0xf0) << 4)) << 20) >> 20;
    }
    if (n & 1) out[n - 1] = ((at(b, j) | ((at(b, j + 1) & 0x0f) << 8)) << 20) >> 20;
  },
};

/** 310: two little-endian 16-bit words; samples 0/1 in bits 1-10 of each word, sample 2 from both tops. */
function decode310(b: Uint8Array, n: number, out: Int32Array): void {
  const full = Math.floor(n / 3);
  let j = 0;
  for (let i = 0; i < full; i++, j += 4) {
    const b0 = b[j],
      b1 = b[j + 1],
      b2 = b[j + 2],
      b3 = b[j + 3];
    out[3 * i] = (((b0 >> 1) | ((b1 & 0x07) << 7)) << 22) >> 22;
    out[3 * i + 1] = (((b2 >> 1) | ((b3 & 0x07) << 7)) << 22) >> 22;
    out[3 * i + 2] = ((((b1 >> 3) & 0x1f) | (((b3 >> 3) & 0x1f) << 5)) << 22) >> 22;
  }
  const left = n - 3 * full;
  if (left > 0) out[3 * full] = (((at(b, j) >> 1) | ((at(b, j + 1) & 0x07) << 7)) << 22) >> 22;
  if (left > 1) out[3 * full + 1] = (((at(b, j + 2) >> 1) | ((at(b, j + 3) & 0x07) << 7)) << 22) >> 22;
}

/** 311: one little-endian 32-bit word; samples in bits 0-9, 10-19 and 20-29. */
function decode311(b: Uint8Array, n: number, out: Int32Array): void {
  const full = Math.floor(n / 3);
  let j = 0;
  for (let i = 0; i < full; i++, j += 4) {
    const w = b[j] | (b[j + 1] << 8) | (b[j + 2] << 16) | (b[j + 3] << 24);
    out[3 * i] = (w << 22) >> 22;
    out[3 * i + 1] = (w << 12) >> 22;
    out[3 * i + 2] = (w << 2) >> 22;
  }
  const left = n - 3 * full;
  if (left > 0) {
    const w = at(b, j) | (at(b, j + 1) << 8) | (at(b, j + 2) << 16) | (at(b, j + 3) << 24);
    out[3 * full] = (w << 22) >> 22;
    if (left > 1) out[3 * full + 1] = (w << 12) >> 22;
  }
}

export const PACKED_CODECS: Record<number, DatCodec> = {
  212: fmt212,
  // 310: sample 1 sits in the second 16-bit word (bytes 2-3); 311: sample 1 in bits 10-19 (bytes 1-2)
  310: { samplesPerBlock: 3, bytesPerBlock: 4, partialBytes: [0, 2, 4], decode: decode310 },
  311: { samplesPerBlock: 3, bytesPerBlock: 4, partialBytes: [0, 2, 3], decode: decode311 },
};

/**
 * Format 212 with two one-sample-per-frame signals (the MIT-BIH layout): each 3-byte block is one frame, so
 * decoding straight into the two signals skips the interleaved buffer (about twice as fast).
 */
export function decode212Pairs(b: Uint8Array, nFrames: number): [Int32Array, Int32Array] {
  const a = new Int32Array(nFrames);
  const c = new Int32Array(nFrames);
  for (let f = 0, j = 0; f < nFrames; f++, j += 3) {
    const mid = b[j + 1];
    a[f] = ((b[j] | ((mid & 0x0f) << 8)) << 20) >> 20;
    c[f] = ((b[j + 2] | ((mid & 0xf0) << 4)) << 20) >> 20;
  }
  return [a, c];
}
