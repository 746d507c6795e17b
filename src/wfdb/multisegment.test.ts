import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { readRecord, toPhysical } from "./record.js";
import { WfdbError } from "./errors.js";
import { CONFORMANCE, needShared } from "../../test/shared.js";

const MS = join(CONFORMANCE, "multi-segment");

test(
  "fixed layout: a range across segments equals the same slice of the whole record",
  { skip: needShared() },
  async () => {
    for (const [rec, from, to] of [
      ["041s/041s", 990, 1013],
      ["fixed1/v102s", 74000, 151000],
    ] as const) {
      const all = await readRecord(join(MS, rec));
      const part = await readRecord(join(MS, rec), { from, to });
      part.signals.forEach((s, i) => {
        const k = s.samplesPerFrame;
        assert.deepEqual(s.digital, all.signals[i].digital.slice(from * k, to * k), `${rec} signal ${i}`);
      });
    }
  },
);

test(
  "variable layout: a layout header and a null segment give named, invalid signals",
  { skip: needShared() },
  async () => {
    const rec = await readRecord(join(MS, "s00001/s00001-2896-10-09-01-56"));
    assert.equal(rec.to, 7500);
    assert.deepEqual(
      rec.signals.map((s) => s.name),
      ["II", "V", "MCL1", "ABP"],
    );
    for (const s of rec.signals) {
      assert.ok(s.digital.every((d) => d === s.invalid));
      assert.ok(toPhysical(s).every(Number.isNaN));
    }
  },
);

test(
  "a multi-segment record whose segment header is absent fails clearly",
  { skip: needShared() },
  async () => {
    await assert.rejects(
      readRecord(join(MS, "p000878/p000878-2137-10-26-16-57")),
      (e: unknown) => e instanceof WfdbError && e.kind === "not-found" && /3269321_0003\.hea/.test(e.message),
    );
  },
);

test("variable layout: segments with other gains are rescaled; a missing signal reads invalid", async () => {
  const dir = mkdtempSync(join(tmpdir(), "av-multi-"));
  const w = (name: string, text: string) => writeFileSync(join(dir, name), text);
  w("m.hea", "m/4 2 100 7\nm_layout 0\nm_1 3\n~ 2\nm_2 2\n");
  w("m_layout.hea", "m_layout 2 100 0\n~ 0 100(10)/mV 16 0 0 0 0 A\n~ 0 50/mV 16 0 0 0 0 B\n");
  w("m_1.hea", "m_1 2 100 3\nm_1.dat 80 100(10)/mV 8 0 10 60 0 A\nm_1.dat 80 50/mV 8 0 1 6 0 B\n");
  writeFileSync(join(dir, "m_1.dat"), Uint8Array.from([138, 129, 148, 130, 158, 131])); // A 10,20,30; B 1,2,3
  w("m_2.hea", "m_2 1 100 2\nm_2.dat 16 200(0)/mV 16 0 200 100 0 A\n"); // A at gain 200, baseline 0; no B
  writeFileSync(join(dir, "m_2.dat"), Buffer.from(Int16Array.from([200, -100]).buffer));
  const rec = await readRecord(join(dir, "m"));
  const [a, b] = rec.signals;
  assert.equal(a.format, 32); // gains disagree: rescaled to the layout's 100(10)
  assert.deepEqual(Array.from(toPhysical(a)), [0, 0.1, 0.2, NaN, NaN, 1, -0.5]);
  assert.deepEqual(Array.from(a.digital.subarray(5)), [110, -40]);
  assert.equal(b.format, 80); // one segment stores B: copied exactly
  assert.deepEqual(Array.from(b.digital), [1, 2, 3, -128, -128, -128, -128]);
  const part = await readRecord(join(dir, "m"), { from: 2, to: 6, signals: [1, 0] });
  assert.deepEqual(Array.from(part.signals[1].digital), [30, a.invalid, a.invalid, 110]);
});
