import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { CONFORMANCE, MITDB, needShared } from "../../test/shared.js";
import { parseAnnotations, readAnnotations, type Annotation } from "./annotation.js";
import { encodeAnnotations, writeAnnotations } from "./annotation-write.js";
import { WfdbError } from "./errors.js";

test(
  "writing mitdb's annotations back gives byte-identical .atr files (all 48)",
  { skip: needShared() },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "av-annw-"));
    const files = readdirSync(MITDB).filter((f) => f.endsWith(".atr"));
    assert.equal(files.length, 48);
    for (const f of files) {
      const anns = await readAnnotations(join(MITDB, f.slice(0, -4)), "atr");
      const out = join(dir, f);
      await writeAnnotations(out, anns);
      assert.ok(readFileSync(out).equals(readFileSync(join(MITDB, f))), `${f} differs`);
    }
    assert.deepEqual(readdirSync(dir).sort(), files.sort(), "no temporary files left behind");
  },
);

test(
  "conformance files written by WFDB tools round-trip byte for byte (keepAll)",
  { skip: needShared() },
  () => {
    // 12726.anI is left out: its writer stored chan 255 as the 10-bit value 1023, which reads back as 255.
    for (const f of ["100.atr", "100.qrs", "1003.atr", "12726.wabp", "12726.wqrs", "huge.qrs"]) {
      const orig = readFileSync(join(CONFORMANCE, f));
      const again = encodeAnnotations(parseAnnotations(orig, { keepAll: true }));
      assert.ok(Buffer.from(again).equals(orig), `${f} differs`);
    }
  },
);

test("large and negative intervals use SKIP; huge sample numbers survive", () => {
  const a = (sample: number, code = 1): Annotation => ({
    sample,
    code,
    symbol: "",
    subtype: 0,
    chan: 0,
    num: 0,
    aux: "",
  });
  const anns = [a(1023), a(5000), a(10), a(10_000_000_000), a(10_000_000_005, 0), a(10_000_000_009)];
  const back = parseAnnotations(encodeAnnotations(anns), { keepAll: true });
  assert.deepEqual(
    back.map((x) => [x.sample, x.code]),
    anns.map((x) => [x.sample, x.code]),
  );
});

test("invalid annotations are refused with a WfdbError", () => {
  const ok: Annotation = { sample: 1, code: 1, symbol: "N", subtype: 0, chan: 0, num: 0, aux: "" };
  for (const bad of [
    { ...ok, sample: -1 },
    { ...ok, sample: 1.5 },
    { ...ok, code: 60 },
    { ...ok, subtype: 200 },
    { ...ok, chan: 256 },
    { ...ok, num: -129 },
    { ...ok, aux: "x".repeat(256) },
    { ...ok, aux: "\u2764" },
  ]) {
    assert.throws(() => encodeAnnotations([bad]), WfdbError, JSON.stringify(bad));
  }
});
