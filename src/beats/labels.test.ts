import { test } from "node:test";
import assert from "node:assert/strict";
import { SCHEMES, labelOf, isSchemeName } from "./labels.js";

test("paper scheme keeps N, L, R, A, V and excludes everything else", () => {
  const s = SCHEMES.paper;
  assert.deepEqual(
    ["N", "L", "R", "A", "V"].map((c) => labelOf(s, c)),
    [0, 1, 2, 3, 4],
  );
  for (const c of ["a", "J", "E", "F", "/", "f", "Q", "e", "j", "+", "~", "|", "!", "x"])
    assert.equal(labelOf(s, c), -1);
  assert.deepEqual(s.excludedRecords, []);
});

test("aami scheme follows the ANSI/AAMI EC57 mapping", () => {
  const s = SCHEMES.aami;
  // prettier-ignore
  const expect: Record<string, string> = {
    N: "N", L: "N", R: "N", e: "N", j: "N", A: "S", a: "S", J: "S", S: "S",
    V: "V", E: "V", F: "F", "/": "Q", f: "Q", Q: "Q",
  };
  for (const [sym, cls] of Object.entries(expect)) assert.equal(s.classes[labelOf(s, sym)], cls, sym);
  for (const c of ["+", "~", "x", "!", "|", "[", "]", '"', "toString", "constructor"])
    assert.equal(labelOf(s, c), -1, c);
  assert.deepEqual([...s.excludedRecords].sort(), ["102", "104", "107", "217"]);
});

test("isSchemeName accepts only the two schemes", () => {
  assert.ok(isSchemeName("paper") && isSchemeName("aami"));
  assert.ok(!isSchemeName("AAMI") && !isSchemeName(""));
});
