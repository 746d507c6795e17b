// The WFDB signal formats: which codec decodes each, their sample width and their invalid-sample value.
import { WfdbError } from "../errors.js";
import { BYTE_CODECS } from "./bytes.js";
import { PACKED_CODECS } from "./packed.js";
import type { DatCodec } from "./codec.js";

export type { DatCodec } from "./codec.js";
export { decodeDifference8 } from "./diff8.js";

/** FLAC-compressed formats (508, 516, 524: 8, 16 and 24 bits). */
export const FLAC_FORMATS: ReadonlySet<number> = new Set([508, 516, 524]);

const BITS: Record<number, number> = {
  8: 8,
  16: 16,
  24: 24,
  32: 32,
  61: 16,
  80: 8,
  160: 16,
  212: 12,
  310: 10,
  311: 10,
  508: 8,
  516: 16,
  524: 24,
};

/** Every signal format this reader understands. */
export const SUPPORTED_FORMATS: readonly number[] = Object.keys(BITS).map(Number);

/** Sample width in bits of a format (ADC resolution default); 0 for an unknown format. */
export function formatBits(format: number): number {
  return BITS[format] ?? 0;
}

/** The ADC resolution WFDB assumes when a header gives none (the format's width; 12 if unknown). */
export function defaultResolution(format: number): number {
  return BITS[format] ?? 12;
}

/**
 * The digital value that marks a missing sample in a format (WFDB_INVALID_SAMPLE scaled to the width), as
 * wfdb-python uses it. Format 8 (differences) has none; -2^31 is returned so padding stays recognisable.
 */
export function invalidValue(format: number): number {
  const bits = format === 8 ? 32 : (BITS[format] ?? 16);
  return -(2 ** (bits - 1));
}

/** The codec for a byte-stream format (not 8, not FLAC). */
export function datCodec(format: number): DatCodec {
  const c = BYTE_CODECS[format] ?? PACKED_CODECS[format];
  if (!c) throw new WfdbError("format", `unsupported signal format ${format}`);
  return c;
}
