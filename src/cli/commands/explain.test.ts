import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { testBundle } from "../../explain/cli-fixture.js";
import { resample } from "../../signal/index.js";
import { readAnnotations, readRecord, toPhysical, writeAnnotations, writeRecord } from "../../wfdb/index.js";
import { needShared } from "../../../test/shared.js";
import { runCli } from "../../../test/run-cli.js";

const run = (...args: string[]) => runCli(args);

interface ExplainJson {
  sample: number;
  label: string | null;
  probs: Record<string, number>;
  method: string;
  class: string;
  window: [number, number];
  attribution: number[];
  otherInputs: Record<string, number>;
  output: number;
  baselineOutput: number | null;
}

const model = testBundle();

test("explain --json: the contract, and completeness checked from outside (IG)", async () => {
  const dir = await model;
  const r = run(
    "explain",
    "samples/100",
    "--beat",
    "375",
    "--method",
    "ig",
    "--class",
    "A",
    "--model",
    dir,
    "--json",
  );
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout) as ExplainJson;
  assert.deepEqual(
    Object.keys(o).filter((k) => k !== "quantity"),
    [
      "sample",
      "label",
      "probs",
      "method",
      "class",
      "window",
      "attribution",
      "otherInputs",
      "output",
      "baselineOutput",
    ],
  );
  assert.equal(o.sample, 370); // the annotated beat nearest to 375
  assert.equal(o.label, "N");
  assert.deepEqual(o.window, [280, 536]);
  assert.equal(o.attribution.length, 256);
  assert.deepEqual(Object.keys(o.otherInputs), [
    "preRR/localRR",
    "postRR/localRR",
    "preRR/recordRR",
    "postRR/recordRR",
  ]);
  assert.deepEqual(Object.keys(o.probs), ["N", "L", "R", "A", "V"]);
  assert.ok(Math.abs(Object.values(o.probs).reduce((a, b) => a + b, 0) - 1) < 1e-6);
  assert.equal(o.class, "A");
  const sum =
    o.attribution.reduce((a, b) => a + b, 0) + Object.values(o.otherInputs).reduce((a, b) => a + b, 0);
  const delta = o.output - o.baselineOutput!;
  assert.ok(Math.abs(sum - delta) <= 0.01 * Math.abs(delta), `${sum} vs ${delta}`);
});

test("explain on a 250 Hz record: window and attribution in the record's samples, completeness kept", async () => {
  const dir = await model;
  // the first 20 s of samples/100, lead 0, resampled to 250 Hz, with its beat annotations
  const rec = await readRecord("samples/100", { signals: [0], from: 0, to: 7200 });
  const mv = resample(toPhysical(rec.signals[0]), 360, 250);
  const path = join(dirname(dir), "r250");
  const spec = {
    fs: 250,
    signals: [{ format: 16, gain: 200, baseline: 0, units: "mV", description: "MLII" }],
  };
  await writeRecord(path, spec, [Int32Array.from(mv, (v) => Math.round(v * 200))]);
  const anns = (await readAnnotations("samples/100", "atr"))
    .filter((a) => a.sample < 7200)
    .map((a) => ({ ...a, sample: Math.round((a.sample * 250) / 360) }));
  await writeAnnotations(`${path}.atr`, anns);
  const beat = Math.round((2044 * 250) / 360);
  const r = run("explain", path, "--beat", String(beat), "--method", "ig", "--model", dir, "--json");
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout) as ExplainJson;
  assert.equal(o.sample, beat);
  assert.equal(o.label, "A");
  const [start, end] = o.window;
  assert.equal(start, beat - Math.round((90 * 250) / 360));
  assert.equal(end - start, Math.round((256 * 250) / 360));
  assert.equal(o.attribution.length, end - start);
  const sum =
    o.attribution.reduce((a, b) => a + b, 0) + Object.values(o.otherInputs).reduce((a, b) => a + b, 0);
  const delta = o.output - o.baselineOutput!;
  assert.ok(Math.abs(sum - delta) <= 0.01 * Math.abs(delta), `${sum} vs ${delta}`);
});

test("explain --out: SVG with the labels, windows and sizes; PNG without a browser", async () => {
  const dir = await model;
  const svgPath = join(dirname(dir), "beat.svg");
  const r = run(
    "explain",
    "samples/100",
    "--beat",
    "2044",
    "--method",
    "gradcam",
    "--model",
    dir,
    "--out",
    svgPath,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /reference A/);
  const svg = readFileSync(svgPath, "utf8");
  const root = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg);
  assert.deepEqual([root?.[1], root?.[2]], ["960", "460"]);
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.ok(texts.includes("QRS") && texts.includes("T"), "QRS and T windows labelled");
  for (const c of ["N", "L", "R", "A", "V"])
    assert.ok(
      texts.some((t) => t === c || t === `${c} *`),
      `class ${c}`,
    );
  assert.ok(texts.some((t) => t.includes("beat at sample 2044") && t.includes("reference A")));
  assert.ok(texts.some((t) => t.startsWith("Grad-CAM of the") && t.includes("predicted")));
  assert.ok(texts.includes("preRR/localRR"));
  const overlay = /<g class="heat-strip">([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? "";
  assert.equal((overlay.match(/<rect /g) ?? []).length, 256, "one heat-strip cell per sample");
  assert.equal((/<polyline class="waveform" points="([^"]*)"/.exec(svg)?.[1] ?? "").split(" ").length, 256);
  const pngPath = join(dirname(dir), "beat.png");
  const p = run(
    "explain",
    "samples/100",
    "--beat",
    "2044",
    "--method",
    "occlusion",
    "--model",
    dir,
    "--out",
    pngPath,
  );
  assert.equal(p.status, 0, p.stderr);
  const png = readFileSync(pngPath);
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  assert.equal(png.readUInt32BE(16), 1440); // 960 x 1.5
  assert.equal(png.readUInt32BE(20), 690);
});

test("explain: clear one-line errors and a non-zero exit", async () => {
  const dir = await model;
  const cases: [string[], RegExp][] = [
    [["--beat", "370", "--method", "lime"], /unknown method "lime"/],
    [
      ["--beat", "370", "--method", "ig", "--class", "Q"],
      /unknown class "Q" \(the model's classes: N, L, R, A, V\)/,
    ],
    [
      ["--beat", "200", "--method", "ig"],
      /no beat within 150 ms of sample 200 \(nearest beat at sample 77\)/,
    ],
    [["--beat", "77", "--method", "ig"], /too close to the record's start/],
    [["--beat", "649991", "--method", "ig"], /too close to the record's end/],
    [["--beat", "9999999", "--method", "ig"], /not a sample of the record/],
    [["--beat", "370", "--method", "ig", "--out", "x.jpg"], /--out must name a .svg or .png/],
  ];
  for (const [args, want] of cases) {
    const r = run("explain", "samples/100", "--model", dir, ...args);
    assert.notEqual(r.status, 0, args.join(" "));
    assert.match(r.stderr, want);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.equal(r.stdout, "");
  }
  const m = run("explain", "samples/100", "--beat", "370", "--method", "ig", "--model", "/nonexistent/model");
  assert.notEqual(m.status, 0);
  assert.match(m.stderr, /model directory \/nonexistent\/model not found/);
});

test(
  "explain --method shap: background of training beats, completeness within 15 %",
  { skip: needShared() },
  async () => {
    const dir = await model;
    const r = run(
      "explain",
      "samples/100",
      "--beat",
      "2044",
      "--method",
      "shap",
      "--model",
      dir,
      "--json",
      "--background",
      "20",
    );
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout) as ExplainJson;
    const sum =
      o.attribution.reduce((a, b) => a + b, 0) + Object.values(o.otherInputs).reduce((a, b) => a + b, 0);
    const delta = o.output - o.baselineOutput!;
    assert.ok(Math.abs(sum - delta) <= 0.15 * Math.abs(delta), `${sum} vs ${delta}`);
  },
);

test("gallery: a grid per class (SVG + PNG) and a README", { skip: needShared() }, async () => {
  const dir = await model;
  const out = join(dirname(dir), "gallery");
  const r = run("gallery", "--model", dir, "--out", out, "--method", "gradcam", "--per", "2");
  assert.equal(r.status, 0, r.stderr);
  const readme = readFileSync(join(out, "README.md"), "utf8");
  for (const c of ["N", "L", "R", "A", "V"]) {
    assert.match(readme, new RegExp(`## ${c}: \\d+ of \\d+ correct`));
    const svg = readFileSync(join(out, `class-${c}.svg`), "utf8");
    assert.match(svg, new RegExp(`class ${c}: \\d+ of \\d+ test beats classified correctly`));
    const panels = (svg.match(/class="waveform"/g) ?? []).length;
    assert.ok(panels >= 1 && panels <= 4, `${panels} panels`);
    assert.equal(
      readFileSync(join(out, `class-${c}.png`))
        .subarray(1, 4)
        .toString(),
      "PNG",
    );
  }
  const bad = run("gallery", "--model", dir, "--out", out, "--method", "lime");
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /unknown method "lime"/);
  rmSync(dirname(dir), { recursive: true, force: true });
});
