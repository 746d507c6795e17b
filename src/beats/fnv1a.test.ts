import { test } from "node:test";
import assert from "node:assert/strict";
import { fnv1a32 } from "./fnv1a.js";

test("fnv1a32 matches the published FNV-1a 32-bit test vectors", () => {
  // From the FNV reference test suite (Fowler/Noll/Vo, fnv_test vectors for FNV-1a 32).
  assert.equal(fnv1a32(""), 0x811c9dc5);
  assert.equal(fnv1a32("a"), 0xe40c292c);
  assert.equal(fnv1a32("b"), 0xe70c2de5);
  assert.equal(fnv1a32("foobar"), 0xbf9cf968);
  assert.equal(fnv1a32("chongo was here!\n"), 0xd49930d5);
});

test("fnv1a32 hashes UTF-8 bytes, not UTF-16 code units", () => {
  // "é" is two UTF-8 bytes (c3 a9): step the hash by hand over those bytes.
  let h = 0x811c9dc5;
  for (const b of [0xc3, 0xa9]) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  assert.equal(fnv1a32("é"), h);
});

test("fnv1a32 of record:sample keys agrees with an independent BigInt implementation", () => {
  const ref = (s: string): number => {
    let h = 2166136261n;
    for (const c of Buffer.from(s, "utf8")) h = ((h ^ BigInt(c)) * 16777619n) & 0xffffffffn;
    return Number(h);
  };
  for (const key of ["208:1234", "100:18", "234:649992", "101:0"]) assert.equal(fnv1a32(key), ref(key));
});
