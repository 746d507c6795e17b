/**
 * A fixed-width signal format: `samplesPerBlock` samples are stored in `bytesPerBlock` bytes (a block is the
 * smallest byte-aligned unit: 2 samples / 3 bytes for format 212, 1 sample / 2 bytes for format 16).
 */
export interface DatCodec {
  readonly samplesPerBlock: number;
  readonly bytesPerBlock: number;
  /**
   * Decodes `n` samples from `bytes`, which starts on a block boundary, into `out[0..n)`. `bytes` must hold at
   * least `bytesFor(n)` bytes (a trailing partial block may be short: missing bytes read as 0).
   */
  decode(bytes: Uint8Array, n: number, out: Int32Array): void;
}

export type BlockSize = Pick<DatCodec, "samplesPerBlock" | "bytesPerBlock">;

/** Bytes needed to hold `n` samples from a block boundary (a trailing partial block is rounded up). */
export function bytesFor(codec: BlockSize, n: number): number {
  return Math.ceil((n * codec.bytesPerBlock) / codec.samplesPerBlock);
}

/** Whole samples held by `nBytes` bytes from a block boundary. */
export function samplesIn(codec: BlockSize, nBytes: number): number {
  return Math.floor((nBytes * codec.samplesPerBlock) / codec.bytesPerBlock);
}
