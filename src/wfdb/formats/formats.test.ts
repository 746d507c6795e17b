import { test } from "node:test";
import assert from "node:assert/strict";
import { datCodec, decodeDifference8, invalidValue } from "./index.js";
import { bytesFor, samplesIn } from "./codec.js";

const decode = (format: number, bytes: number[], n: number) => {
  const out = new Int32Array(n);
  datCodec(format).decode(Uint8Array.from(bytes), n, out);
  return Array.from(out);
};

test("212 packs two 12-bit samples in three bytes (odd counts read the partial block)", () => {
  // 995 = 0x3E3, -22 = 0xFEA: bytes E3, (F<<4 | 3), EA
  assert.deepEqual(decode(212, [0xe3, 0xf3, 0xea], 2), [995, -22]);
  assert.deepEqual(decode(212, [0xe3, 0xf3, 0xea, 0x00, 0x08], 3), [995, -22, -2048]);
  assert.equal(bytesFor(datCodec(212), 3), 5);
});

test("byte-aligned formats: 16 LE, 61 BE, 80 and 160 offset binary, 24, 32", () => {
  assert.deepEqual(decode(16, [0xff, 0x7f, 0x00, 0x80], 2), [32767, -32768]);
  assert.deepEqual(decode(61, [0x7f, 0xff, 0x80, 0x00], 2), [32767, -32768]);
  assert.deepEqual(decode(80, [0, 128, 255], 3), [-128, 0, 127]);
  assert.deepEqual(decode(160, [0, 0, 0, 0x80], 2), [-32768, 0]);
  assert.deepEqual(decode(24, [0xff, 0xff, 0x7f, 0x00, 0x00, 0x80], 2), [8388607, -8388608]);
  assert.deepEqual(decode(32, [0xff, 0xff, 0xff, 0xff], 1), [-1]);
});

test("310 and 311 pack three 10-bit samples in four bytes", () => {
  // 311: word = a | b << 10 | c << 20 with a = 1, b = -1 (0x3FF), c = -512 (0x200)
  const w = (1 | (0x3ff << 10) | (0x200 << 20)) >>> 0;
  assert.deepEqual(decode(311, [w & 255, (w >> 8) & 255, (w >> 16) & 255, w >>> 24], 3), [1, -1, -512]);
  // 310: word0 = a << 1 | c_lo << 11, word1 = b << 1 | c_hi << 11 with a = 5, b = -2, c = 0x155 (341)
  const c = 0x155;
  const w0 = (5 << 1) | ((c & 0x1f) << 11);
  const w1 = ((-2 & 0x3ff) << 1) | ((c >> 5) << 11);
  assert.deepEqual(decode(310, [w0 & 255, w0 >> 8, w1 & 255, w1 >> 8], 3), [5, -2, 341]);
});

test("format 8 accumulates first differences per signal from the initial values", () => {
  const out = new Int32Array(6);
  // two signals interleaved, init 100 and -5
  decodeDifference8(Uint8Array.from([1, 0xff, 2, 0xfe, 0x80, 0]), 6, [0, 1], [100, -5], out);
  assert.deepEqual(Array.from(out), [101, -6, 103, -8, -25, -8]);
});

test("invalid sample values follow the format width", () => {
  assert.equal(invalidValue(212), -2048);
  assert.equal(invalidValue(16), -32768);
  assert.equal(invalidValue(80), -128);
  assert.equal(invalidValue(311), -512);
  assert.equal(invalidValue(524), -8388608);
});

test("an unknown format is a format WfdbError", () => {
  assert.throws(() => datCodec(999), /unsupported signal format 999/);
});

test("bytes needed for a trailing partial block, and whole samples in a byte count", () => {
  const c310 = datCodec(310);
  const c311 = datCodec(311);
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => bytesFor(c310, n)),
    [2, 4, 4, 6],
  );
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => bytesFor(c311, n)),
    [2, 3, 4, 6],
  );
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((b) => samplesIn(c310, b)),
    [0, 1, 1, 3, 3],
  );
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((b) => samplesIn(c311, b)),
    [0, 1, 2, 3, 3],
  );
  assert.deepEqual(
    [2, 3, 4, 5].map((b) => samplesIn(datCodec(212), b)),
    [1, 2, 2, 3],
  );
});
