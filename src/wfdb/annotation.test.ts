import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CONFORMANCE, MITDB, needShared } from "../../test/shared.js";
import { parseAnnotations, readAnnotations } from "./annotation.js";
import { WfdbError } from "./errors.js";
import { isBeatCode, codeToSymbol, symbolToCode } from "./annotation-codes.js";

interface GoldenAnn {
  annotation: string;
  count: number;
  sample_sum: number;
  symbols: string;
  first: [number, string | null, number, number, number, string][];
}

function goldenAnnotations(): GoldenAnn[] {
  return readFileSync(join(CONFORMANCE, "golden.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.includes('"annotation"'))
    .map((l) => JSON.parse(l) as GoldenAnn);
}

test("every annotation line of golden.jsonl is reproduced exactly", { skip: needShared() }, async () => {
  const golden = goldenAnnotations();
  assert.ok(golden.length >= 7, "expected the conformance annotation lines");
  for (const g of golden) {
    const dot = g.annotation.lastIndexOf(".");
    const anns = await readAnnotations(
      join(CONFORMANCE, g.annotation.slice(0, dot)),
      g.annotation.slice(dot + 1),
    );
    assert.equal(anns.length, g.count, `${g.annotation} count`);
    assert.equal(
      anns.reduce((s, a) => s + a.sample, 0),
      g.sample_sum,
      `${g.annotation} sample_sum`,
    );
    // The reference lists the sorted set of symbols, with a symbol-less code shown as pandas' "nan".
    const syms = [...new Set(anns.map((a) => a.symbol || "nan"))].sort().join("");
    assert.equal(syms, g.symbols, `${g.annotation} symbols`);
    const first = anns
      .slice(0, 12)
      .map((a) => [a.sample, a.symbol === "" ? null : a.symbol, a.subtype, a.chan, a.num, a.aux]);
    assert.deepEqual(first, g.first, `${g.annotation} first 12`);
  }
});

test(
  "all 48 mitdb .atr files decode to sorted, standard-coded annotations",
  { skip: needShared() },
  async () => {
    const files = readdirSync(MITDB).filter((f) => f.endsWith(".atr"));
    assert.equal(files.length, 48);
    let beats = 0;
    for (const f of files) {
      const anns = await readAnnotations(join(MITDB, f.slice(0, -4)), "atr");
      assert.ok(anns.length > 1000, `${f}: ${anns.length} annotations`);
      for (let i = 0; i < anns.length; i++) {
        const a = anns[i];
        assert.ok(a.code >= 1 && a.code <= 41 && a.symbol !== "", `${f}[${i}] code ${a.code}`);
        if (i > 0) assert.ok(a.sample >= anns[i - 1].sample, `${f}[${i}] out of order`);
        if (isBeatCode(a.code)) beats++;
      }
    }
    assert.ok(beats > 100000, `beats ${beats}`);
  },
);

const word = (code: number, data: number) => [data & 0xff, (code << 2) | ((data >> 8) & 3)];

test("pseudo-codes: SKIP (32-bit, negative too), NUM/CHN carry over, SUB/AUX do not, odd AUX padding", () => {
  const bytes = Uint8Array.from([
    ...word(1, 5), // N at 5
    ...word(61, 0x3ff), // SUB -1
    ...word(62, 3), // CHN 3
    ...word(60, 0x3fe), // NUM -2
    ...word(63, 3),
    0x41,
    0x42,
    0x43,
    0x00, // AUX "ABC" + pad
    ...word(59, 0),
    0x01,
    0x00,
    0x00,
    0x00, // SKIP +65536 (high word 1, low word 0)
    ...word(5, 10), // V at 5 + 65536 + 10
    ...word(59, 0),
    0xff,
    0xff,
    0xf6,
    0xff, // SKIP -10
    ...word(28, 0), // + at 65541
    ...word(63, 2),
    0x28,
    0x4e, // AUX "(N", even: no pad
    0,
    0,
  ]);
  const anns = parseAnnotations(bytes);
  assert.deepEqual(anns, [
    { sample: 5, code: 1, symbol: "N", subtype: -1, chan: 3, num: -2, aux: "ABC" },
    { sample: 65551, code: 5, symbol: "V", subtype: 0, chan: 3, num: -2, aux: "" },
    { sample: 65541, code: 28, symbol: "+", subtype: 0, chan: 3, num: -2, aux: "(N" },
  ]);
});

test("code-0 annotations and definition notes at sample 0 are dropped unless keepAll", () => {
  const def = "## annotation type definitions";
  const lab = "42 X custom label";
  const end = "## end of definitions";
  const aux = (s: string) => [
    ...word(63, s.length),
    ...[...s].map((c) => c.charCodeAt(0)),
    ...(s.length & 1 ? [0] : []),
  ];
  const bytes = Uint8Array.from([
    ...word(22, 0),
    ...aux(def),
    ...word(22, 0),
    ...aux(lab),
    ...word(22, 0),
    ...aux(end),
    ...word(0, 7),
    ...word(42, 3),
    0,
    0,
  ]);
  assert.deepEqual(
    parseAnnotations(bytes).map((a) => [a.sample, a.code, a.symbol]),
    [[10, 42, "X"]],
  );
  assert.equal(parseAnnotations(bytes, { keepAll: true }).length, 5);
});

test("malformed files give a WfdbError with a one-line message", () => {
  const bad: number[][] = [
    [], // empty: no end marker
    [...word(1, 5)], // no end marker
    [...word(1, 5), 0], // odd length
    [...word(59, 0), 1, 0], // SKIP cut short
    [...word(1, 5), ...word(63, 9), 65, 66, 0, 0], // AUX runs past the end
    [...word(60, 5), 0, 0], // NUM before any annotation
    [...word(59, 0), 0xff, 0xff, 0xf6, 0xff, ...word(1, 0), 0, 0], // negative sample
  ];
  for (const b of bad) {
    assert.throws(
      () => parseAnnotations(Uint8Array.from(b)),
      (e: unknown) => e instanceof WfdbError && !e.message.includes("\n"),
      JSON.stringify(b),
    );
  }
});

test("readAnnotations reports a missing file as not-found", async () => {
  await assert.rejects(
    readAnnotations("/nonexistent/rec", "atr"),
    (e: unknown) => e instanceof WfdbError && e.kind === "not-found",
  );
});

test("code table: symbols, reverse lookup and the isqrs set", () => {
  assert.equal(codeToSymbol(1), "N");
  assert.equal(codeToSymbol(41), "r");
  assert.equal(codeToSymbol(15), "");
  assert.equal(codeToSymbol(42), "");
  assert.equal(symbolToCode("V"), 5);
  assert.equal(symbolToCode("nope"), undefined);
  const qrs = [];
  for (let c = 0; c < 64; c++) if (isBeatCode(c)) qrs.push(c);
  assert.deepEqual(qrs, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 31, 34, 35, 38, 41]);
});
