import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { readRecord, toPhysical } from "./record.js";
import { WfdbError } from "./errors.js";
import { CONFORMANCE, MITDB, needShared } from "../../test/shared.js";

const tmp = () => mkdtempSync(join(tmpdir(), "av-record-"));
const int16 = (values: number[]) => Buffer.from(Int16Array.from(values).buffer);
const isKind = (kind: string) => (e: unknown) => e instanceof WfdbError && e.kind === kind;

/** A format-16 record with 2 signals (the second 2 samples per frame), byte offset 4, skew 1 on signal 0. */
function writeSynthetic(dir: string, frames = 5): string {
  const samples: number[] = [];
  for (let f = 0; f < frames; f++) samples.push(f, 100 + 2 * f, 101 + 2 * f);
  writeFileSync(join(dir, "s.dat"), Buffer.concat([Buffer.from([9, 9, 9, 9]), int16(samples)]));
  const sum0 = ((samples.filter((_, i) => i % 3 === 0).reduce((a, b) => a + b, 0) + 32768) & 0xffff) - 32768;
  writeFileSync(
    join(dir, "s.hea"),
    `s 2 100 ${frames}\ns.dat 16:1+4 10(2)/mV 16 0 0 ${sum0} 0 a\ns.dat 16x2+4 20/uV 16 0 100 ${frames === 5 ? 1045 : 0} 0 b\n`,
  );
  return join(dir, "s");
}

test("readRecord: samples per frame, skew (padded with the invalid value), byte offset", async () => {
  const rec = await readRecord(writeSynthetic(tmp()));
  assert.equal(rec.fs, 100);
  assert.deepEqual(Array.from(rec.signals[0].digital), [1, 2, 3, 4, -32768]);
  assert.deepEqual(Array.from(rec.signals[1].digital), [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  assert.deepEqual(Array.from(toPhysical(rec.signals[0])), [-0.1, 0, 0.1, 0.2, NaN]);
  assert.equal(rec.signals[1].units, "uV");
});

test("readRecord reads a frame range and a signal selection", async () => {
  const rec = await readRecord(writeSynthetic(tmp()), { from: 1, to: 3, signals: [1] });
  assert.equal(rec.signals.length, 1);
  assert.deepEqual(Array.from(rec.signals[0].digital), [102, 103, 104, 105]);
  await assert.rejects(readRecord(writeSynthetic(tmp()), { from: 4, to: 9 }), isKind("range"));
  await assert.rejects(readRecord(writeSynthetic(tmp()), { signals: [2] }), isKind("range"));
});

test("readRecord: checksum mismatch, truncated file and missing signal file fail clearly", async () => {
  const dir = tmp();
  const path = writeSynthetic(dir);
  writeFileSync(join(dir, "s.hea"), "s 1 100 5\ns.dat 16+4 10 16 0 0 12345 0 a\n");
  // the file holds 5 frames of 3 samples: read as 1 signal it has 7 frames, sum differs from 12345
  await assert.rejects(readRecord(path), isKind("checksum"));
  await readRecord(path, { verifyChecksum: false });
  writeFileSync(join(dir, "s.hea"), "s 2 100 9\ns.dat 16 10 16 0 0 0 0 a\ns.dat 16x2 20 16 0 0 0 0 b\n");
  await assert.rejects(readRecord(path), (e: unknown) => isKind("truncated")(e) && /needs 9/.test(String(e)));
  writeFileSync(join(dir, "s.hea"), "s 1 100 5\nnone.dat 16 10 16 0 0 0 0 a\n");
  await assert.rejects(readRecord(path), isKind("not-found"));
  await assert.rejects(readRecord(join(dir, "absent")), isKind("not-found"));
});

test("readRecord: a header without a length takes it from the file", async () => {
  const dir = tmp();
  const path = writeSynthetic(dir, 7);
  writeFileSync(join(dir, "s.hea"), "s 2 100\ns.dat 16+4 10 16 0 0\ns.dat 16x2+4 20 16 0 0\n");
  assert.equal((await readRecord(path)).to, 7);
});

test(
  "mitdb 100: a range read equals the same slice of the whole record",
  { skip: needShared() },
  async () => {
    const all = await readRecord(join(MITDB, "100"));
    assert.equal(all.to, 650000);
    const part = await readRecord(join(MITDB, "100"), { from: 123457, to: 130001 });
    for (const [i, s] of part.signals.entries())
      assert.deepEqual(s.digital, all.signals[i].digital.slice(123457, 130001));
  },
);

test(
  "truncated copies of conformance files (212, 311, FLAC) fail with a truncated WfdbError",
  { skip: needShared() },
  async () => {
    const dir = tmp();
    const cut = (file: string, keep: number) =>
      writeFileSync(join(dir, file), readFileSync(join(CONFORMANCE, file)).subarray(0, keep));
    for (const f of [
      "100_3chan.hea",
      "311derive_4.hea",
      "flacformats.hea",
      "flacformats.d0",
      "flacformats.d2",
    ])
      copyFileSync(join(CONFORMANCE, f), join(dir, f));
    cut("100_3chan.dat", 3000);
    cut("311derive_4.dat", 1357);
    cut("flacformats.d1", 700);
    for (const rec of ["100_3chan", "311derive_4", "flacformats"])
      await assert.rejects(readRecord(join(dir, rec)), isKind("truncated"), rec);
    // the part of a truncated file that is there still reads
    const head = await readRecord(join(dir, "100_3chan"), { to: 666 });
    const full = await readRecord(join(CONFORMANCE, "100_3chan"), { to: 666 });
    assert.deepEqual(head.signals, full.signals);
  },
);

test("absurd lengths fail with a range WfdbError, not an allocation crash", async () => {
  const dir = tmp();
  writeFileSync(join(dir, "n.hea"), "n 1 100 900000000000\n~ 16x4 200 16 0 0 0 0 x\n");
  await assert.rejects(readRecord(join(dir, "n")), isKind("range"));
  writeFileSync(join(dir, "m.hea"), "m/1 1 100\nn 900000000000\n");
  await assert.rejects(readRecord(join(dir, "m")), isKind("range"));
  assert.equal((await readRecord(join(dir, "n"), { from: 5, to: 7 })).signals[0].digital.length, 8);
});

test(
  "a damaged FLAC frame fails clearly even when the header gives no length",
  { skip: needShared() },
  async () => {
    const dir = tmp();
    const bytes = readFileSync(join(CONFORMANCE, "flac_3_constant.dat"));
    bytes[bytes.length >> 1] ^= 0x10;
    writeFileSync(join(dir, "f.dat"), bytes);
    writeFileSync(
      join(dir, "f.hea"),
      "f 3 250\nf.dat 508 200 8 0 25\nf.dat 508 200 8 0 50\nf.dat 508 200 8 0 75\n",
    );
    await assert.rejects(
      readRecord(join(dir, "f")),
      (e: unknown) => isKind("truncated")(e) && /FLAC/.test(String(e)),
    );
  },
);
