import { test } from "node:test";
import assert from "node:assert/strict";
import { fnv1a32 } from "./fnv1a.js";
import { DS1, DS2, INTER_VAL_RECORDS, checkInterValRecords, interPart, intraPart, partOf } from "./split.js";

test("intraPart applies the FNV-1a rule: test h%5==0, val h%10==1, else train", () => {
  // fnv1a32("208:1234") = 0x14c12b45 = 348203845, divisible by 5.
  assert.equal(fnv1a32("208:1234"), 0x14c12b45);
  assert.equal(intraPart("208", 1234), "test");
  for (let s = 0; s < 3000; s++) {
    const h = fnv1a32(`100:${s}`);
    const want = h % 5 === 0 ? "test" : h % 10 === 1 ? "val" : "train";
    assert.equal(intraPart("100", s), want);
  }
});

test("intraPart proportions are close to 20 % test, 10 % val, 70 % train", () => {
  const n = { train: 0, val: 0, test: 0 };
  for (let s = 0; s < 50_000; s++) n[intraPart("101", s * 7 + 3)]++;
  assert.ok(Math.abs(n.test / 50_000 - 0.2) < 0.01, JSON.stringify(n));
  assert.ok(Math.abs(n.val / 50_000 - 0.1) < 0.01, JSON.stringify(n));
});

test("DS1 and DS2 are disjoint, 22 records each, and leave out exactly the paced records", () => {
  assert.equal(new Set(DS1).size, 22);
  assert.equal(new Set(DS2).size, 22);
  assert.equal(DS1.filter((r) => DS2.includes(r)).length, 0);
  for (const paced of ["102", "104", "107", "217"]) assert.equal(interPart(paced), null);
});

test("inter: DS2 is test, the validation hold-out comes from DS1 only", () => {
  for (const r of DS2) assert.equal(interPart(r), "test");
  for (const r of DS1) assert.equal(interPart(r), INTER_VAL_RECORDS.includes(r) ? "val" : "train");
  assert.ok(INTER_VAL_RECORDS.every((r) => DS1.includes(r)));
  assert.doesNotThrow(() => checkInterValRecords(INTER_VAL_RECORDS));
  assert.throws(() => checkInterValRecords(["118", "100"]), /100 is not in DS1/);
  assert.equal(partOf("inter", "209", 5, ["209"]), "val");
  assert.equal(partOf("intra", "208", 1234), "test");
});
