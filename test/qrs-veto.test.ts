// A model.json with qrsVeto: classify / analyze (whole record and streamed, held to the end) rule the listed
// classes out on beats whose QRS matches the record's median beat, flag the beats it relabelled (vetoedFrom) and
// count them in the summary; openClassifier's qrsVeto: false (--no-qrs-veto) turns it off; a bad one is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pMatch, qrsMatch } from "../src/beats/index.js";
import {
  argmaxRows,
  beatInputs,
  openClassifier,
  vetoProbs,
  type ClassifiedBeat,
} from "../src/model/index.js";
import { analyzeSignal, recordInput, streamLead } from "../src/analyze/index.js";
import { trainTinyModel } from "./tiny-model.js";
import { runCli } from "./run-cli.js";
import { MITDB, needShared } from "./shared.js";

const rows = (beats: ClassifiedBeat[], classes: string[]) =>
  Float32Array.from(beats.flatMap((b) => classes.map((c) => b.probs[c])));

test("qrsVeto in model.json: its classes ruled out where the QRS matches the record's usual beat, flagged", async () => {
  const { dir } = await trainTinyModel({ name: "vetoed", balanced: true });
  const meta = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
  // the tiny model calls every beat of samples/100 S: the veto rules S out (the mechanism is the same for V, F)
  const qrsVeto = { classes: ["S"], above: 0.9 };
  try {
    await writeFile(join(dir, "model.json"), JSON.stringify({ ...meta, qrsVeto }));
    const c = await openClassifier(dir, { threads: 1 });
    const plainC = await openClassifier(dir, { threads: 1, qrsVeto: false });
    assert.deepEqual(c.meta.qrsVeto, qrsVeto);
    assert.equal(plainC.meta.qrsVeto, undefined);
    const { lead, samples } = await recordInput("samples/100", c, { beats: "atr" });
    const plain = (await analyzeSignal(plainC, lead, samples)).beats;
    const analysis = await analyzeSignal(c, lead, samples);
    const { classes } = c.meta;
    // the net's probabilities, vetoed by the qrsMatch of the record's windows (one record, its beats in order)
    const inputs = beatInputs(lead.signal, lead.fs, samples!, c.meta);
    const qrs = qrsMatch(inputs.windows, meta.window.before + meta.window.after, meta.window.before, meta.fs);
    const want = vetoProbs(rows(plain, classes), classes, qrs, qrsVeto);
    const got = rows(analysis.beats, classes);
    want.forEach((v, i) => assert.ok(Math.abs(v - got[i]) < 2e-6, `value ${i}: ${got[i]} vs ${v}`));
    const relabelled = analysis.beats.filter((b) => b.vetoedFrom);
    assert.ok(relabelled.length > 0, "the veto relabelled some beat of the tiny model");
    analysis.beats.forEach((b, i) => {
      assert.equal(b.vetoedFrom, b.label === plain[i].label ? undefined : plain[i].label, `beat ${i} flag`);
      if (b.vetoedFrom) assert.ok(b.vetoedFrom === "S" && b.label !== "S" && qrs[i] >= 0.9);
    });
    const share = Number(((100 * relabelled.length) / analysis.beats.length).toFixed(2));
    assert.deepEqual(analysis.summary.qrsVetoed, { beats: relabelled.length, percent: share });
    assert.equal((await analyzeSignal(plainC, lead, samples)).summary.qrsVetoed, null);
    // the stream, held to the end, labels the same
    const key = (b: ClassifiedBeat) => `${b.sample} ${b.label} ${JSON.stringify(b.probs)} ${b.vetoedFrom}`;
    assert.deepEqual((await streamLead(c, lead, { samples })).beats.map(key), analysis.beats.map(key));
    await Promise.all([plainC.release(), c.release()]);
    // --no-qrs-veto through the CLI gives the net's labels
    const r = runCli([
      "classify",
      "samples/100",
      "--model",
      dir,
      "--beats",
      "atr",
      "--no-qrs-veto",
      "--json",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const cli = (JSON.parse(r.stdout) as { beats: ClassifiedBeat[] }).beats;
    assert.deepEqual(
      cli.map((b) => b.label),
      plain.map((b) => b.label),
    );
    await writeFile(join(dir, "model.json"), JSON.stringify({ ...meta, qrsVeto: { ...qrsVeto, above: 2 } }));
    await assert.rejects(openClassifier(dir, { threads: 1 }), /qrsVeto above must be a number in \[-1, 1\]/);
  } finally {
    await rm(dirname(dir), { recursive: true });
  }
});

test("qrsVeto's P rule: S ruled out where QRS and P wave match the beats called N; held and causal streams", async () => {
  // the shipped v2-aami-inter (guard, smoothing, QRS veto) with the P rule added, on the bundled record 100
  const dir = join(await mkdtemp(join(tmpdir(), "av-p-rule-")), "model");
  await cp("models/v2-aami-inter", dir, { recursive: true });
  const meta = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
  const qrsVeto = { ...meta.qrsVeto, pClasses: ["S"], pAbove: 0.9 };
  try {
    await writeFile(join(dir, "model.json"), JSON.stringify({ ...meta, qrsVeto }));
    const c = await openClassifier(dir, { threads: 1 });
    const plainC = await openClassifier(dir, { threads: 1, qrsVeto: false });
    const { lead, samples } = await recordInput("samples/100", c, { beats: "atr" });
    const plain = (await analyzeSignal(plainC, lead, samples)).beats;
    const analysis = await analyzeSignal(c, lead, samples);
    const { classes } = c.meta;
    // by hand: the QRS rule, then pMatch against the median of the beats it leaves called N, then the P rule
    const inputs = beatInputs(lead.signal, lead.fs, samples!, c.meta);
    const len = meta.window.before + meta.window.after;
    const qrs = qrsMatch(inputs.windows, len, meta.window.before, meta.fs);
    const qrsRule = vetoProbs(rows(plain, classes), classes, qrs, {
      classes: meta.qrsVeto.classes,
      above: meta.qrsVeto.above,
    });
    const usual = Uint8Array.from(argmaxRows(qrsRule, classes.length), (k) => (k === 0 ? 1 : 0));
    const p = pMatch(inputs.windows, len, meta.window.before, meta.fs, undefined, { usual, min: 20 });
    const want = vetoProbs(rows(plain, classes), classes, qrs, qrsVeto, p);
    const got = rows(analysis.beats, classes);
    // (the plain rows are rounded to 6 decimals, which a renormalisation can magnify)
    want.forEach((v, i) => assert.ok(Math.abs(v - got[i]) < 2e-4, `value ${i}: ${got[i]} vs ${v}`));
    assert.deepEqual(
      analysis.beats.map((b) => b.label),
      Array.from(argmaxRows(want, classes.length), (k) => classes[k]),
    );
    const relabelled = analysis.beats.filter((b) => b.vetoedFrom === "S");
    assert.ok(relabelled.length > 0, "the P rule relabelled some S beat of record 100");
    relabelled.forEach((b) => {
      const i = analysis.beats.indexOf(b);
      assert.ok(qrs[i] >= 0.95 && p[i] >= 0.9 && b.label !== "S", `beat ${i}`);
    });
    // each beat shows what the veto read of it (4 decimals)
    analysis.beats.forEach((b, i) =>
      assert.deepEqual(
        { qrs: b.matches?.qrs, p: b.matches?.p },
        { qrs: Number(qrs[i].toFixed(4)), p: Number(p[i].toFixed(4)) },
      ),
    );
    const key = (b: ClassifiedBeat) =>
      `${b.sample} ${b.label} ${JSON.stringify(b.probs)} ${b.vetoedFrom} ${JSON.stringify(b.matches)}`;
    assert.deepEqual((await streamLead(c, lead, { samples })).beats.map(key), analysis.beats.map(key));
    // causal: each beat's P wave against the running median of the beats called N before it (none before 20)
    const causal = (await streamLead(c, lead, { samples, causal: true })).beats;
    assert.equal(causal.length, analysis.beats.length);
    assert.ok(
      causal.some((b) => b.vetoedFrom === "S"),
      "the causal stream applies the P rule too",
    );
    assert.ok(
      causal.slice(0, 19).every((b) => b.matches?.p === undefined),
      "no template before 20 N beats",
    );
    await Promise.all([plainC.release(), c.release()]);
  } finally {
    await rm(dirname(dir), { recursive: true });
  }
});

test(
  "the shipped inter models' unusual-QRS rule: on mitdb 222, S calls on a QRS unlike the usual one become V",
  { skip: needShared() },
  async () => {
    const tmp = await mkdtemp(join(tmpdir(), "av-unusual-"));
    try {
      for (const name of ["v1-aami-inter", "v2-aami-inter"]) {
        const without = join(tmp, name);
        await cp(join("models", name), without, { recursive: true });
        const meta = JSON.parse(await readFile(join(without, "model.json"), "utf8"));
        assert.deepEqual(meta.qrsVeto.unusual, { from: ["S"], to: "V", below: 0.9 });
        delete meta.qrsVeto.unusual;
        await writeFile(join(without, "model.json"), JSON.stringify(meta));
        const [c, plainC] = [await openClassifier(join("models", name)), await openClassifier(without)];
        const { lead, samples } = await recordInput(join(MITDB, "222"), c, { beats: "atr" });
        const got = (await analyzeSignal(c, lead, samples)).beats;
        const plain = (await analyzeSignal(plainC, lead, samples)).beats;
        await Promise.all([c.release(), plainC.release()]);
        const moved = got.filter((b, i) => b.label !== plain[i].label);
        assert.ok(moved.length >= 10, `${name}: ${moved.length} beats moved`);
        got.forEach((b, i) => {
          if (b.label === plain[i].label) return;
          assert.deepEqual([plain[i].label, b.label, b.vetoedFrom], ["S", "V", "S"], `${name} beat ${i}`);
          assert.ok(b.matches!.qrs! < 0.9 && !b.secondTemplate, `${name} beat ${i}: ${JSON.stringify(b)}`);
          assert.ok(Math.abs(b.probs.V - (plain[i].probs.V + plain[i].probs.S)) < 2e-6);
        });
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
);
