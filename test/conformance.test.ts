// WFDB reader conformance: every record line of ../shared/wfdb-conformance/golden.jsonl (what wfdb-python reads)
// reproduced exactly through the library API, and headers whose signal file is absent fail clearly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CONFORMANCE, needShared } from "./shared.js";
import { WfdbError, readHeader, readRecord } from "../src/wfdb/index.js";

const M = (1n << 61n) - 1n;

interface GoldenSignal {
  n: number;
  sum: string;
  sq: string;
  first: number[];
  last: number[];
}
interface GoldenRecord {
  record: string;
  fs: number;
  sig_len: number;
  n_sig: number;
  sig_name: string[];
  units: string[];
  adc_gain: number[];
  baseline: number[];
  fmt: string[];
  samps_per_frame: number[];
  signals: GoldenSignal[];
}

/** Sum and sum of squares mod 2^61-1, exact (doubles for small values, BigInt when they could lose bits). */
export function sampleStats(d: Int32Array): { sum: bigint; sq: bigint } {
  let sum = 0n;
  let sq = 0n;
  let s = 0;
  let q = 0;
  const LIMIT = 2 ** 52;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    s += v;
    if (v > 0x3ffffff || v < -0x3ffffff) sq += BigInt(v) * BigInt(v);
    else q += v * v;
    if (q > LIMIT || s > LIMIT || s < -LIMIT) {
      sum += BigInt(s);
      sq = (sq + BigInt(q)) % M;
      s = q = 0;
    }
  }
  return { sum: sum + BigInt(s), sq: (sq + BigInt(q)) % M };
}

const golden: GoldenRecord[] = existsSync(join(CONFORMANCE, "golden.jsonl"))
  ? readFileSync(join(CONFORMANCE, "golden.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.trim())
      // sums and squares exceed 2^53: keep them as strings for BigInt
      .map((l) => JSON.parse(l.replace(/"(sum|sq)": (-?\d+)/g, '"$1": "$2"')) as GoldenRecord)
      .filter((o) => "record" in o)
  : [];

test("golden.jsonl: every record line reproduced exactly", { skip: needShared() }, async (t) => {
  assert.ok(golden.length > 0, "no record lines in golden.jsonl");
  for (const g of golden) {
    await t.test(g.record, async () => {
      const rec = await readRecord(join(CONFORMANCE, g.record));
      assert.equal(rec.fs, g.fs);
      assert.equal(rec.to - rec.from, g.sig_len);
      assert.equal(rec.signals.length, g.n_sig);
      assert.deepEqual(
        rec.signals.map((s) => s.name),
        g.sig_name,
      );
      // wfdb-python drops non-ASCII header bytes (then units fall back to "mV"); we keep them (Latin-1).
      const units = rec.signals.map((s, i) => (/^[\x20-\x7e]*$/.test(s.units) ? s.units : g.units[i]));
      assert.deepEqual(units, g.units);
      assert.deepEqual(
        rec.signals.map((s) => s.gain),
        g.adc_gain,
      );
      assert.deepEqual(
        rec.signals.map((s) => s.baseline),
        g.baseline,
      );
      assert.deepEqual(
        rec.signals.map((s) => String(s.format)),
        g.fmt,
      );
      assert.deepEqual(
        rec.signals.map((s) => s.samplesPerFrame),
        g.samps_per_frame,
      );
      rec.signals.forEach((s, i) => {
        const w = g.signals[i];
        const d = s.digital;
        assert.equal(d.length, w.n, `signal ${i} count`);
        assert.deepEqual(Array.from(d.subarray(0, 8)), w.first, `signal ${i} first`);
        assert.deepEqual(Array.from(d.subarray(Math.max(0, d.length - 8))), w.last, `signal ${i} last`);
        const { sum, sq } = sampleStats(d);
        assert.equal(sum, BigInt(w.sum), `signal ${i} sum`);
        assert.equal(sq, BigInt(w.sq), `signal ${i} sum of squares`);
      });
    });
  }
});

test(
  "headers whose signal file is absent fail with a clear not-found WfdbError",
  { skip: needShared() },
  async () => {
    const inGolden = new Set(golden.map((g) => g.record));
    let checked = 0;
    for (const f of readdirSync(CONFORMANCE).filter((f) => f.endsWith(".hea"))) {
      const name = f.slice(0, -4);
      if (inGolden.has(name)) continue;
      const h = await readHeader(join(CONFORMANCE, name));
      if (h.segments || h.signals.every((s) => existsSync(join(CONFORMANCE, s.fileName)))) continue;
      await assert.rejects(readRecord(join(CONFORMANCE, name)), (e: unknown) => {
        assert.ok(e instanceof WfdbError, `${name}: ${String(e)}`);
        assert.equal(e.kind, "not-found");
        assert.match(e.message, /signal file not found: .+\.dat/);
        return true;
      });
      checked++;
    }
    assert.ok(checked >= 5, `only ${checked} headers with a missing signal file`);
  },
);

test("records outside golden.jsonl read with matching header checksums", { skip: needShared() }, async () => {
  // binformats: formats 8, 16, 61, 80, 160, 212, 310, 311, 24, 32 in one record; p10143: format 61.
  for (const name of ["binformats", "p10143"]) {
    const rec = await readRecord(join(CONFORMANCE, name), { verifyChecksum: true });
    assert.ok(rec.signals.length > 0 && rec.signals.every((s) => s.digital.length === rec.to - rec.from));
  }
});

test(
  "golden records: ranges and signal selections read the same samples as the whole record",
  { skip: needShared() },
  async () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (const g of golden) {
      const path = join(CONFORMANCE, g.record);
      const all = await readRecord(path);
      const n = all.to;
      // odd starts and ends hit partial 212/310/311 blocks; the end of the record hits skew padding
      for (const [from, to] of [
        [rand(n), n],
        [0, Math.min(n, 1 + rand(n))],
        [n > 3 ? 1 + rand(n - 2) : 0, n > 3 ? n - 1 : n],
      ]) {
        const a = Math.min(from, to);
        const b = Math.max(from, to);
        const pick = all.signals.length > 1 ? [all.signals.length - 1, 0] : [0];
        const part = await readRecord(path, { from: a, to: b, signals: pick });
        pick.forEach((s, j) => {
          const k = all.signals[s].samplesPerFrame;
          assert.deepEqual(
            part.signals[j].digital,
            all.signals[s].digital.slice(a * k, b * k),
            `${g.record} [${a}, ${b}) signal ${s}`,
          );
        });
      }
    }
  },
);
