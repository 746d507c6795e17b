/**
 * A fixed-width signal format: `samplesPerBlock` samples are stored in `bytesPerBlock` bytes (a block is the
 * smallest byte-aligned unit: 2 samples / 3 bytes for format 212, 1 sample / 2 bytes for format 16).
 */
export interface DatCodec {
  readonly samplesPerBlock: number;
  readonly bytesPerBlock: number;
  /** Bytes of a block needed for its first r samples, r = 0 .. samplesPerBlock-1 (a trailing partial block). */
  readonly partialBytes: readonly number[];
  /**
   * Decodes `n` samples from `bytes`, which starts on a block boundary, into `out[0..n)`. `bytes` must hold at
   * least `bytesFor(n)` bytes (a trailing partial block may be short: missing bytes read as 0).
   */
  decode(bytes: Uint8Array, n: number, out: Int32Array): void;
}

export type BlockSize = Pick<DatCodec, "samplesPerBlock" | "bytesPerBlock" | "partialBytes">;

/** Bytes needed to hold `n` samples from a block boundary. */
export function bytesFor(codec: BlockSize, n: number): number {
  const blocks = Math.floor(n / codec.samplesPerBlock);
  return blocks * codec.bytesPerBlock + codec.partialBytes[n - blocks * codec.samplesPerBlock];
}

/** Whole samples held by `nBytes` bytes from a block boundary. */
export function samplesIn(codec: BlockSize, nBytes: number): number {
  const blocks = Math.floor(nBytes / codec.bytesPerBlock);
  const rest = nBytes - blocks * codec.bytesPerBlock;
  let r = codec.samplesPerBlock - 1;
  while (r > 0 && codec.partialBytes[r] > rest) r--;
  return blocks * codec.samplesPerBlock + r;
}
