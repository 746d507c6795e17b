// Byte-aligned formats: 80 (8-bit offset binary), 16 (LE), 61 (BE), 160 (16-bit offset binary), 24, 32.
import type { DatCodec } from "./codec.js";

const fmt80: DatCodec = {
  samplesPerBlock: 1,
  bytesPerBlock: 1,
  partialBytes: [0],
  decode(b, n, out) {
    for (let i = 0; i < n; i++) out[i] = b[i] - 128;
  },
};

const fmt16: DatCodec = {
  samplesPerBlock: 1,
  bytesPerBlock: 2,
  partialBytes: [0],
  decode(b, n, out) {
    for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = ((b[j] | (b[j + 1] << 8)) << 16) >> 16;
  },
};

const fmt61: DatCodec = {
  samplesPerBlock: 1,
  bytesPerBlock: 2,
  partialBytes: [0],
  decode(b, n, out) {
    for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = ((b[j + 1] | (b[j] << 8)) << 16) >> 16;
  },
};

const fmt160: DatCodec = {
  samplesPerBlock: 1,
  bytesPerBlock: 2,
  partialBytes: [0],
  decode(b, n, out) {
    for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = (b[j] | (b[j + 1] << 8)) - 32768;
  },
};

const fmt24: DatCodec = {
  samplesPerBlock: 1,
  bytesPerBlock: 3,
  partialBytes: [0],
  decode(b, n, out) {
    for (let i = 0, j = 0; i < n; i++, j += 3)
      out[i] = ((b[j] | (b[j + 1] << 8) | (b[j + 2] << 16)) << 8) >> 8;
  },
};

const fmt32: DatCodec = {
  samplesPerBlock: 1,
  bytesPerBlock: 4,
  partialBytes: [0],
  decode(b, n, out) {
    for (let i = 0, j = 0; i < n; i++, j += 4)
      out[i] = b[j] | (b[j + 1] << 8) | (b[j + 2] << 16) | (b[j + 3] << 24);
  },
};

export const BYTE_CODECS: Record<number, DatCodec> = {
  80: fmt80,
  16: fmt16,
  61: fmt61,
  160: fmt160,
  24: fmt24,
  32: fmt32,
};
