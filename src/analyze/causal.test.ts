import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  P_MATCH_MIN_USUAL,
  QRS_MATCH_HISTORY,
  RR_DIM,
  atrialConsistency,
  medianTemplate,
  pMatch,
  qrsMatch,
  morphInput,
  rrFeatures,
  windowLength,
} from "../beats/index.js";
import {
  applyGuard,
  argmaxRows,
  countBefore,
  fillInvalid,
  invalidWindows,
  openClassifier,
  paddedWindows,
  selectExtra,
  templateBeats,
  toClassifiedBeats,
  toModelRate,
  vetoProbs,
  type ClassifiedBeat,
  type Classifier,
} from "../model/index.js";
import { detectQrs, resample } from "../signal/index.js";
import { AnalyzerStream, analyzeInChunks, beatSamples, readLead, type RecordLead } from "./index.js";

// The shipped inter model: morph "pair" and recordRR ratios, both replaced by running estimates.
let model: Classifier;
let part: RecordLead;

before(async () => {
  model = await openClassifier("models/v1-aami-inter");
  const lead = await readLead("samples/100");
  part = { fs: lead.fs, signal: lead.signal.slice(0, 360 * 300) };
});

after(async () => {
  await model.release();
});

/**
 * Brute force: beat i's template is medianTemplate of the last `history` template beats among beats
 * 0 .. max(i, warmup - 1) (all beats there when none is one), its RR row that of rrFeatures over beats
 * 0 .. max(i, warmup - 1) + 5 (its rhythmIrregularity, the shipped model's rhythm guard's input, too), its
 * atrialConsistency (the guard's other inputs) that of the windows of beats 0 .. i, its qrsMatch that against the
 * median of the last QRS_MATCH_HISTORY beats up to it, each recomputed from scratch.
 */
async function causalReference(
  c: Classifier,
  lead: RecordLead,
  samples: number[],
  warmup: number,
  history: number,
): Promise<ClassifiedBeat[]> {
  const meta = c.meta;
  const len = windowLength(meta.window);
  const m = toModelRate(fillInvalid(lead.signal).signal, lead.fs, samples, meta.fs);
  const { x: windows, edge } = paddedWindows(m.signal, m.peaks, meta);
  const keep = templateBeats(edge, invalidWindows(m.peaks, meta, lead.fs, countBefore(lead.signal)));
  const n = samples.length;
  const rr = new Float32Array(n * RR_DIM);
  const templates = samples.map((_, i) => {
    const e = Math.max(i, warmup - 1);
    const upTo = Math.min(n, e + 1);
    const rows = [...keep.keys()].filter((r) => r < upTo && keep[r]);
    const pick = (rows.length > 0 ? rows : [...Array(upTo).keys()]).slice(-history);
    const t = new Float32Array(pick.length * len);
    pick.forEach((r, k) => t.set(windows.subarray(r * len, (r + 1) * len), k * len));
    rr.set(
      rrFeatures(samples.slice(0, Math.min(n, e + 6)), lead.fs).subarray(i * RR_DIM, (i + 1) * RR_DIM),
      i * RR_DIM,
    );
    return medianTemplate(t, len, Infinity);
  });
  const x = morphInput(windows, len, (b) => templates[b], meta.morph ?? "none");
  const g = meta.rhythmGuard;
  const { before } = meta.window;
  const atrial = Float32Array.from(
    { length: n },
    (_, i) =>
      atrialConsistency(windows.subarray(0, (i + 1) * len), len, before, meta.fs, undefined, g?.atrialLags)[
        i
      ],
  );
  const qrs = Float32Array.from({ length: n }, (_, i) => {
    const from = Math.max(0, i + 1 - QRS_MATCH_HISTORY);
    return qrsMatch(windows.subarray(from * len, (i + 1) * len), len, before, meta.fs)[i - from];
  });
  const net = await c.predict(x, selectExtra(rr, meta));
  const { probs: guarded, afEvidence: af } = applyGuard(net, meta.classes, rr, g, { atrial, qrs });
  const veto = meta.qrsVeto;
  const p = veto?.pClasses && causalPMatch(windows, len, meta, guarded, qrs, af);
  const probs = vetoProbs(guarded, meta.classes, qrs, veto, p, af);
  return toClassifiedBeats(samples, { probs }, meta.classes, edge);
}

/**
 * The QRS veto's P rule's input by brute force: beat i's P wave against the median of the last QRS_MATCH_HISTORY
 * beats up to it that the QRS rule leaves called N (NaN while fewer than P_MATCH_MIN_USUAL are known).
 */
function causalPMatch(
  windows: Float32Array,
  len: number,
  meta: Classifier["meta"],
  guarded: Float32Array,
  qrs: Float32Array,
  af: Uint8Array | undefined,
): Float32Array {
  const { classes, qrsVeto, window } = meta;
  const qrsOnly = { classes: qrsVeto!.classes, above: qrsVeto!.above, afAbove: qrsVeto!.afAbove };
  const qrsRule = vetoProbs(guarded, classes, qrs, qrsOnly, undefined, af);
  const called = argmaxRows(qrsRule, classes.length);
  const usual = [...called.keys()].filter((i) => classes[called[i]] === "N");
  return Float32Array.from({ length: called.length }, (_, i) => {
    const mine = usual.filter((u) => u <= i).slice(-QRS_MATCH_HISTORY);
    const rows = mine.includes(i) ? mine : [...mine, i];
    const w = new Float32Array(rows.length * len);
    rows.forEach((r, k) => w.set(windows.subarray(r * len, (r + 1) * len), k * len));
    const mask = Uint8Array.from(rows, (r) => (mine.includes(r) ? 1 : 0));
    const m = pMatch(w, len, window.before, meta.fs, undefined, { usual: mask, min: P_MATCH_MIN_USUAL });
    return m[rows.indexOf(i)];
  });
}

/** Same beats and labels; probabilities equal up to float32 batch-size effects of the runtime. */
function assertSameBeats(got: ClassifiedBeat[], want: ClassifiedBeat[]): void {
  assert.deepEqual(
    got.map((b) => `${b.sample}${b.label}${b.edge ? "!" : ""}`),
    want.map((b) => `${b.sample}${b.label}${b.edge ? "!" : ""}`),
  );
  got.forEach((b, i) => {
    for (const [c, p] of Object.entries(b.probs))
      assert.ok(Math.abs(p - want[i].probs[c]) <= 2e-6, `beat ${i} p(${c}) ${p} vs ${want[i].probs[c]}`);
  });
}

test("causal stream with our detector equals the brute-force prefix computation, whatever the chunks", async () => {
  const want = await causalReference(model, part, detectQrs(part.signal, part.fs), 10, 50);
  assert.ok(want.length > 300);
  for (const chunk of [360, 7919]) {
    const s = await analyzeInChunks(model, part.signal, part.fs, chunk, {
      causal: { warmup: 10, history: 50 },
    });
    assertSameBeats(s.beats, want);
  }
  // ... and differs from the exact (held) analysis: the estimates are not the whole record's.
  const held = await analyzeInChunks(model, part.signal, part.fs, 7919);
  assert.ok(held.beats.some((b, i) => Math.abs(b.probs.N - want[i].probs.N) > 1e-3));
});

test("causal stream with given beats (atr), defaults, and a warm-up longer than the record", async () => {
  const given = (await beatSamples("samples/100", "atr", part)).filter((x) => x < part.signal.length + 50);
  const s = await analyzeInChunks(model, part.signal, part.fs, 1000, { samples: given, causal: true });
  assertSameBeats(s.beats, await causalReference(model, part, given, 10, 300));
  const short = { fs: part.fs, signal: part.signal.subarray(0, 360 * 20) };
  const long = new AnalyzerStream(model, short.fs, { causal: { warmup: 1000 } });
  assert.deepEqual(await long.push(short.signal), []);
  const got = await long.end();
  assertSameBeats(got, await causalReference(model, short, detectQrs(short.signal, short.fs), 1000, 300));
});

test("causal stream equals the reference at another rate and across invalid samples", async () => {
  const sig = resample(part.signal.subarray(0, 360 * 120), 360, 250);
  sig.fill(NaN, 0, 40);
  sig.fill(NaN, 9000, 9300);
  const lead = { fs: 250, signal: sig };
  const s = await analyzeInChunks(model, sig, 250, 500, { causal: { warmup: 3, history: 20 } });
  assert.equal(s.invalidSamples, 340);
  assertSameBeats(s.beats, await causalReference(model, lead, detectQrs(sig, 250), 3, 20));
});

test("causal mode labels each beat while the stream runs: 5 beats later (warm-up: 10 + 5)", async () => {
  const s = new AnalyzerStream(model, part.fs, { causal: true });
  const delays: number[] = [];
  for (let at = 0; at < part.signal.length; at += part.fs) {
    const got = await s.push(part.signal.subarray(at, at + part.fs));
    for (const _ of got) delays.push(s.beatsKnown - 1 - delays.length);
  }
  const last = await s.end();
  assert.ok(delays.length > 300 && last.length <= 8, `${delays.length} before end, ${last.length} at end`);
  assert.ok(delays.slice(0, 10).every((d, i) => d >= 14 - i));
  const later = delays.slice(10);
  assert.ok(
    later.every((d) => d >= 5 && d <= 7),
    `delays ${Math.min(...later)} .. ${Math.max(...later)} beats`,
  );
  // Held (exact) mode: nothing before end().
  const held = new AnalyzerStream(model, part.fs);
  assert.deepEqual(await held.push(part.signal), []);
});

test("causal options are checked", () => {
  assert.throws(() => new AnalyzerStream(model, 360, { causal: { warmup: 0 } }), /warm-up 0/);
  assert.throws(() => new AnalyzerStream(model, 360, { causal: { history: 2.5 } }), /history 2.5/);
});

test("causal stream on bad input: no beats, one or two beats, an all-invalid lead, calls after end", async () => {
  const flat = await analyzeInChunks(model, new Float64Array(360 * 20), 360, 500, { causal: true });
  assert.deepEqual(flat.beats, []);
  // Given beats: one, then two (no RR interval known for the first, one for both).
  for (const given of [[3600], [3600, 3888]]) {
    const s = await analyzeInChunks(model, part.signal.subarray(0, 7200), 360, 700, {
      samples: given,
      causal: true,
    });
    assertSameBeats(s.beats, await causalReference(model, part, given, 10, 300));
  }
  const nan = new AnalyzerStream(model, 360, { causal: true });
  assert.deepEqual(await nan.push(new Float64Array(1000).fill(NaN)), []);
  await assert.rejects(nan.end(), /no valid sample/);
  const s = new AnalyzerStream(model, 360, { causal: true });
  await s.push(part.signal.subarray(0, 3600));
  await s.end();
  await assert.rejects(s.push([0]), /push after end/);
  await assert.rejects(s.end(), /end called twice/);
});
