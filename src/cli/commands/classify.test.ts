import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { trainTinyModel } from "../../../test/tiny-model.js";
import { isBeatCode, readAnnotations, writeAnnotations } from "../../wfdb/index.js";
import { runCli } from "../../../test/run-cli.js";
import { MITDB, needShared } from "../../../test/shared.js";

const run = (...args: string[]) => runCli(args);

let model: string;
let data: string;

before(async () => {
  model = (await trainTinyModel()).dir;
  data = mkdtempSync(join(tmpdir(), "av-classify-"));
  for (const ext of ["hea", "dat", "atr"]) copyFileSync(`samples/100.${ext}`, join(data, `100.${ext}`));
});

after(() => {
  rmSync(dirname(model), { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

interface ClassifyJson {
  record: string;
  fs: number;
  beats: { sample: number; label: string; probs: Record<string, number>; edge?: boolean }[];
}

test("classify --beats atr --json: one line, one labelled beat per beat annotation (the scorecard's contract)", async () => {
  const rec = join(data, "100");
  const r = run("classify", rec, "--model", model, "--beats", "atr", "--json");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split("\n").length, 1);
  const o = JSON.parse(r.stdout) as ClassifyJson;
  assert.equal(o.record, rec);
  assert.equal(o.fs, 360);
  const ref = (await readAnnotations(rec, "atr")).filter((a) => isBeatCode(a.code)).map((a) => a.sample);
  assert.deepEqual(
    o.beats.map((b) => b.sample),
    ref,
  );
  for (const b of o.beats) {
    assert.ok(["N", "S", "V", "F", "Q"].includes(b.label));
    const p = Object.values(b.probs);
    assert.equal(p.length, 5);
    assert.ok(Math.abs(p.reduce((a, c) => a + c, 0) - 1) < 1e-4);
    assert.equal(b.probs[b.label], Math.max(...p));
  }
  // The first beat's window starts before the record: padded, flagged, still labelled.
  assert.equal(o.beats[0].edge, true);
  const d = run("classify", rec, "--model", model, "--beats", "detect", "--json");
  assert.equal(d.status, 0, d.stderr);
  const det = JSON.parse(d.stdout) as ClassifyJson;
  assert.ok(Math.abs(det.beats.length - ref.length) < 10);
  // --beats qrs reads the detector's annotation file: the same beats as --beats detect.
  assert.equal(run("detect", rec).status, 0);
  const q = run("classify", rec, "--model", model, "--beats", "qrs", "--json");
  assert.equal(q.status, 0, q.stderr);
  assert.deepEqual((JSON.parse(q.stdout) as ClassifyJson).beats, det.beats);
  rmSync(`${rec}.qrs`);
  const human = run("classify", rec, "--model", model, "--beats", "atr");
  assert.equal(human.status, 0, human.stderr);
  assert.equal(human.stdout.trim().split("\n").length, ref.length + 2);
});

test("evaluate --json: metrics, confusion, footprint and speed; charts written", () => {
  const chart = join(data, "chart");
  const r = run(
    "--data-dir",
    data,
    "evaluate",
    "--model",
    model,
    "--scheme",
    "aami",
    "--split",
    "inter",
    "--no-cache",
    "--chart-out",
    chart,
    "--json",
  );
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout) as {
    accuracy: number;
    macroF1: number;
    beats: number;
    perClass: Record<string, { support: number; sensitivity: number }>;
    confusion: number[][];
    params: number;
    footprintKB: number;
    onnxBytes: number;
    latencyMsBatch1: number;
    throughputBatch256: number;
  };
  const total = o.confusion.flat().reduce((a, b) => a + b, 0);
  assert.equal(total, o.beats);
  // Record 100 is in DS2 (the inter test part); its beats with a full window (edge beats are dropped).
  assert.ok(o.beats > 2200 && o.beats <= 2273, `${o.beats} beats`);
  const correct = o.confusion.reduce((s, row, i) => s + row[i], 0);
  assert.equal(o.accuracy, correct / total);
  assert.equal(
    o.perClass.N.support,
    o.confusion[0].reduce((a, b) => a + b, 0),
  );
  assert.ok(o.macroF1 >= 0 && o.macroF1 <= 1);
  assert.equal(o.footprintKB, (o.params * 4) / 1024);
  assert.ok(o.onnxBytes > o.params * 4);
  assert.ok(o.latencyMsBatch1 > 0 && o.throughputBatch256 > 0);
  assert.ok(existsSync(`${chart}.svg`) && existsSync(`${chart}.png`));
  const h = run("--data-dir", data, "evaluate", "--model", model, "--no-cache", "--no-speed", "--no-chart");
  assert.equal(h.status, 0, h.stderr);
  assert.match(h.stdout, /accuracy \d+\.\d\d %, macro-F1/);
});

test("analyze: human summary by default, JSON with the summary and every beat", () => {
  const rec = join(data, "100");
  const r = run("analyze", rec, "--model", model);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\d+ beats in 30\.1 min/);
  assert.match(r.stdout, /heart rate: mean \d+\.\d bpm/);
  assert.match(r.stdout, /ectopic burden: /);
  const j = run("analyze", rec, "--model", model, "--json");
  assert.equal(j.status, 0, j.stderr);
  const o = JSON.parse(j.stdout) as {
    summary: { beats: number; counts: Record<string, number> };
    beats: { sample: number; label: string }[];
  };
  assert.equal(o.beats.length, o.summary.beats);
  assert.equal(
    Object.values(o.summary.counts).reduce((a, b) => a + b, 0),
    o.beats.length,
  );
  assert.equal(o.beats.filter((b) => b.label === "N").length, o.summary.counts.N);
});

test("bad input: one-line error and a non-zero exit", async () => {
  const rec = join(data, "100");
  const fails = (re: RegExp, ...args: string[]) => {
    const r = run(...args);
    assert.notEqual(r.status, 0, `${args.join(" ")} succeeded`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, re);
    assert.ok(!/\n\s+at /.test(r.stderr));
  };
  fails(/model directory .*no-such-model not found/, "classify", rec, "--model", join(data, "no-such-model"));
  fails(/--beats must be one of atr, qrs, detect/, "classify", rec, "--model", model, "--beats", "ecg");
  fails(/100\.qrs not found/, "classify", rec, "--model", model, "--beats", "qrs");
  fails(/model directory .* not found/, "evaluate", "--model", join(data, "nope"), "--json");
  fails(/cannot be scored on --scheme paper/, "evaluate", "--model", model, "--scheme", "paper");
  fails(/model directory .* not found/, "analyze", rec, "--model", join(data, "nope"));
  // A record whose annotation file holds no beat annotation (only a rhythm change).
  for (const ext of ["hea", "dat"]) copyFileSync(`samples/100.${ext}`, join(data, `nobeats.${ext}`));
  const hea = join(data, "nobeats.hea");
  writeFileSync(
    hea,
    readFileSync(hea, "utf8").replace(/^100 /, "nobeats ").replaceAll("100.dat", "nobeats.dat"),
  );
  await writeAnnotations(join(data, "nobeats.atr"), [
    { sample: 10, code: 28, symbol: "+", subtype: 0, chan: 0, num: 0, aux: "(N" },
  ]);
  fails(
    /no beats to classify \(no beat annotations in \.atr\)/,
    "classify",
    join(data, "nobeats"),
    "--model",
    model,
    "--beats",
    "atr",
  );
});

test(
  "the shipped v1-aami-inter's second template: 108's second normal shape flagged, none on 100; explain reads such beats against it",
  { skip: needShared() },
  () => {
    const beatsOf = (r: string) => {
      const c = run("classify", join(MITDB, r), "--beats", "atr", "--json");
      assert.equal(c.status, 0, c.stderr);
      return (
        JSON.parse(c.stdout) as {
          beats: { sample: number; probs: Record<string, number>; secondTemplate?: true }[];
        }
      ).beats;
    };
    const beats108 = beatsOf("108");
    const moved = beats108.filter((b) => b.secondTemplate);
    assert.ok(moved.length > 100, `${moved.length} beats of 108 against the second template`);
    assert.equal(beatsOf("100").filter((b) => b.secondTemplate).length, 0);
    const a = run("analyze", join(MITDB, "108"), "--beats", "atr", "--json");
    assert.equal(a.status, 0, a.stderr);
    const summary = (JSON.parse(a.stdout) as { summary: { secondTemplate: { beats: number } } }).summary;
    assert.equal(summary.secondTemplate.beats, moved.length, "analyze counts the beats classify flags");
    interface Explained {
      sample: number;
      probs: Record<string, number>;
      template: number[];
      secondTemplate?: true;
    }
    const explain = (sample: number): Explained => {
      const e = run(
        "explain",
        join(MITDB, "108"),
        "--model",
        "models/v1-aami-inter",
        "--beat",
        String(sample),
        "--method",
        "gradcam",
        "--json",
      );
      assert.equal(e.status, 0, e.stderr);
      const j = JSON.parse(e.stdout) as Explained;
      assert.deepEqual(j.probs, beats108.find((b) => b.sample === sample)!.probs, "classify's probabilities");
      return j;
    };
    // the drawn template is the one z-normalised template scaled to each beat: the same shape for two beats
    // read against the second template, another for a beat read against the median beat
    const shape = (t: number[]) => {
      const m = t.reduce((x, y) => x + y, 0) / t.length;
      const sd = Math.sqrt(t.reduce((x, y) => x + (y - m) ** 2, 0) / t.length);
      return t.map((v) => (v - m) / sd);
    };
    const later = moved.filter((b) => b.sample > 1000);
    const [s1, s2] = [explain(later[0].sample), explain(later[later.length - 1].sample)];
    const usual = explain(beats108.find((b) => b.sample > 1000 && !b.secondTemplate)!.sample);
    assert.equal(s1.secondTemplate, true);
    assert.equal(s2.secondTemplate, true);
    assert.equal(usual.secondTemplate, undefined);
    const gap = (p: number[], q: number[]) => Math.max(...p.map((v, i) => Math.abs(v - q[i])));
    assert.ok(gap(shape(s1.template), shape(s2.template)) < 1e-3, "one second template");
    assert.ok(gap(shape(s1.template), shape(usual.template)) > 0.5, "the median beat is another shape");
  },
);
