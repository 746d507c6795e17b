import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { MITDB, needShared } from "../../test/shared.js";
import { readRecord } from "./record.js";
import { readHeader } from "./header.js";
import { encodeSamples, wfdbChecksum, writeRecord, type WriteRecordSpec } from "./write-record.js";
import { WfdbError } from "./errors.js";

const tmp = () => mkdtempSync(join(tmpdir(), "av-wrec-"));

test(
  "mitdb 100 re-written in 212 gives a byte-identical .dat and the same samples",
  { skip: needShared() },
  async () => {
    const orig = await readRecord(join(MITDB, "100"));
    const dir = tmp();
    await writeRecord(
      join(dir, "100"),
      orig.header,
      orig.signals.map((s) => s.digital),
    );
    assert.ok(
      readFileSync(join(dir, "100.dat")).equals(readFileSync(join(MITDB, "100.dat"))),
      ".dat differs",
    );
    const back = await readRecord(join(dir, "100"));
    assert.equal(back.to, 650000);
    back.signals.forEach((s, i) => {
      assert.deepEqual(s.digital, orig.signals[i].digital);
      assert.equal(s.name, orig.signals[i].name);
      assert.equal(s.gain, orig.signals[i].gain);
      assert.equal(s.baseline, orig.signals[i].baseline);
    });
    const h = await readHeader(join(dir, "100"));
    assert.deepEqual(
      h.signals.map((s) => [s.initValue, s.checksum, s.adcResolution, s.adcZero]),
      orig.header.signals.map((s) => [s.initValue, s.checksum, s.adcResolution, s.adcZero]),
    );
    assert.deepEqual(h.comments, orig.header.comments);
    assert.deepEqual(readdirSync(dir).sort(), ["100.dat", "100.hea"], "no temporary files left");
  },
);

test("mitdb 100 re-written in format 16 reads back identical samples", { skip: needShared() }, async () => {
  const orig = await readRecord(join(MITDB, "100"));
  const dir = tmp();
  const spec: WriteRecordSpec = {
    ...orig.header,
    signals: orig.header.signals.map((s) => ({ ...s, format: 16 })),
  };
  await writeRecord(
    join(dir, "100"),
    spec,
    orig.signals.map((s) => s.digital),
  );
  assert.equal(statSync(join(dir, "100.dat")).size, 650000 * 2 * 2);
  const back = await readRecord(join(dir, "100"), { verifyChecksum: true });
  back.signals.forEach((s, i) => {
    assert.equal(s.format, 16);
    assert.deepEqual(s.digital, orig.signals[i].digital);
  });
});

test("multi-frequency, separate files, format 80 and an odd 212 count round-trip", async () => {
  const dir = tmp();
  const a = Int32Array.from({ length: 7 }, (_, i) => i * 300 - 1000); // 212, 7 frames
  const b = Int32Array.from({ length: 14 }, (_, i) => ((i * 37) % 255) - 128); // 80, 2 per frame
  const c = Int32Array.from({ length: 7 }, (_, i) => (i % 2 ? -32768 : 32767)); // 16
  const spec: WriteRecordSpec = {
    fs: 125.5,
    baseTime: "10:20:30",
    baseDate: "01/02/2003",
    comments: [" a comment"],
    signals: [
      { format: 212, gain: 100, baseline: 3, units: "mV", description: "ECG lead II" },
      {
        fileName: "r_b.dat",
        format: 80,
        samplesPerFrame: 2,
        gain: 2.5,
        baseline: 0,
        units: "mmHg",
        description: "ABP",
      },
      { fileName: "r_c.dat", format: 16, gain: 1000, baseline: -5, units: "uV", description: "" },
    ],
  };
  await writeRecord(join(dir, "r"), spec, [a, b, c]);
  const back = await readRecord(join(dir, "r"));
  assert.equal(back.fs, 125.5);
  assert.equal(back.header.baseTime, "10:20:30");
  assert.equal(back.header.baseDate, "01/02/2003");
  assert.deepEqual(back.header.comments, [" a comment"]);
  assert.deepEqual(
    back.signals.map((s) => [s.digital, s.samplesPerFrame, s.gain, s.baseline, s.units, s.name]),
    [
      [a, 1, 100, 3, "mV", "ECG lead II"],
      [b, 2, 2.5, 0, "mmHg", "ABP"],
      [c, 1, 1000, -5, "uV", ""],
    ],
  );
});

test("checksums and 212 packing follow WFDB", () => {
  assert.equal(wfdbChecksum(Int32Array.from([32767, 1])), -32768);
  assert.equal(wfdbChecksum(Int32Array.from([-1, -1])), -2);
  assert.deepEqual([...encodeSamples(212, Int32Array.from([-1, 0x123]))], [0xff, 0x1f, 0x23]);
  assert.deepEqual([...encodeSamples(212, Int32Array.from([5]))], [5, 0, 0]);
});

test("what the formats cannot hold is refused with a WfdbError and nothing is written", async () => {
  const dir = tmp();
  const sig = { format: 212, gain: 200, baseline: 0, units: "mV", description: "x" };
  const cases: [WriteRecordSpec, Int32Array[], string][] = [
    [{ fs: 360, signals: [sig] }, [Int32Array.from([2048])], "range"],
    [{ fs: 360, signals: [{ ...sig, format: 24 }] }, [Int32Array.from([0])], "format"],
    [{ fs: 360, signals: [{ ...sig, gain: 0 }] }, [Int32Array.from([0])], "header"],
    [{ fs: 0, signals: [sig] }, [Int32Array.from([0])], "header"],
    [{ fs: 360, signals: [sig, sig] }, [Int32Array.from([0]), Int32Array.from([0, 1])], "header"],
    [
      { fs: 360, signals: [sig, { ...sig, format: 16 }] },
      [Int32Array.from([0]), Int32Array.from([0])],
      "format",
    ],
    [{ fs: 360, signals: [{ ...sig, description: "a\nb" }] }, [Int32Array.from([0])], "header"],
  ];
  for (const [spec, sigs, kind] of cases) {
    await assert.rejects(
      writeRecord(join(dir, "bad"), spec, sigs),
      (e: unknown) => e instanceof WfdbError && e.kind === kind,
      JSON.stringify(spec),
    );
  }
  assert.deepEqual(readdirSync(dir), []);
});
