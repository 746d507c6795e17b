// FLAC signal files (formats 508/516/524): one FLAC channel per signal, decoded with @wasm-audio-decoders/flac.
import { FLACDecoder } from "@wasm-audio-decoders/flac";
import { WfdbError } from "./errors.js";

/** Decoded FLAC stream: one Int32Array of digital samples per channel. */
export interface FlacSamples {
  bitDepth: number;
  channels: Int32Array[];
}

/**
 * Decodes a whole FLAC stream to integers. The decoder hands out float32 samples scaled by 1/(2^(bits-1) - 1);
 * float32 keeps 24 significant bits, so multiplying back and rounding restores every 8/16/24-bit value exactly.
 */
export async function decodeFlac(bytes: Uint8Array, what: string): Promise<FlacSamples> {
  if (bytes.length < 4 || bytes[0] !== 0x66 || bytes[1] !== 0x4c || bytes[2] !== 0x61 || bytes[3] !== 0x43)
    throw new WfdbError("format", `${what} is not a FLAC stream (no fLaC signature)`);
  const decoder = new FLACDecoder();
  try {
    await decoder.ready;
    const out = await decoder.decodeFile(bytes);
    if (out.errors.length > 0)
      throw new WfdbError(
        "truncated",
        `${what}: FLAC stream damaged (${out.errors[0].message ?? "decode error"})`,
      );
    if (out.samplesDecoded === 0 || out.channelData.length === 0)
      throw new WfdbError("truncated", `${what}: FLAC stream yields no samples (truncated or damaged)`);
    const total = streamInfoSamples(bytes);
    if (total > 0 && out.samplesDecoded !== total)
      throw new WfdbError(
        "truncated",
        `${what}: FLAC stream decodes to ${out.samplesDecoded} samples per channel, its header says ${total} (truncated or damaged)`,
      );
    const scale = 2 ** (out.bitDepth - 1) - 1;
    const channels = out.channelData.map((ch) => {
      const ints = new Int32Array(out.samplesDecoded);
      for (let i = 0; i < ints.length; i++) ints[i] = Math.round(ch[i] * scale);
      return ints;
    });
    return { bitDepth: out.bitDepth, channels };
  } finally {
    decoder.free();
  }
}

/** Total samples per channel from the STREAMINFO block (36 bits at bit 108 of it); 0 if unknown or absent. */
export function streamInfoSamples(bytes: Uint8Array): number {
  // "fLaC", then the first metadata block header (type 0 = STREAMINFO, 34 bytes), then STREAMINFO itself.
  if (bytes.length < 8 + 34 || (bytes[4] & 0x7f) !== 0) return 0;
  const si = 8;
  return (
    ((bytes[si + 13] & 0x0f) * 2 ** 32 +
      ((bytes[si + 14] << 24) | (bytes[si + 15] << 16) | (bytes[si + 16] << 8) | bytes[si + 17])) >>>
    0
  );
}
