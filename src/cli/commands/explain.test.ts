import { after, test } from "node:test";
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
  lead: { index: number; name: string; wanted: string | number; fellBack: boolean };
  label: string | null;
  probs: Record<string, number>;
  method: string;
  class: string;
  window: [number, number];
  attribution: number[];
  otherInputs: Record<string, number>;
  output: number;
  baselineOutput: number | null;
  morph?: string;
  template?: number[];
}

const model = testBundle();
const residualModel = testBundle({ morph: "residual" });
const pairModel = testBundle({ morph: "pair" });

after(async () => {
  for (const dir of [await model, await residualModel, await pairModel])
    rmSync(dirname(dir), { recursive: true, force: true });
});

/** `explain samples/100 --beat <beat> --method <method> --model <dir> ...more`, which must succeed. */
const explainOk = (dir: string, method: string, more: string[] = [], beat = "2044") => {
  const r = run("explain", "samples/100", "--beat", beat, "--method", method, "--model", dir, ...more);
  assert.equal(r.status, 0, r.stderr);
  return r;
};

const explainJson = (dir: string, method: string, ...more: string[]): ExplainJson =>
  JSON.parse(explainOk(dir, method, ["--json", ...more]).stdout) as ExplainJson;

/** Attributions sum to output - baselineOutput within `tol` of it. */
const assertComplete = (o: ExplainJson, tol: number) => {
  const sum =
    o.attribution.reduce((a, b) => a + b, 0) + Object.values(o.otherInputs).reduce((a, b) => a + b, 0);
  const delta = o.output - o.baselineOutput!;
  assert.ok(Math.abs(sum - delta) <= tol * Math.abs(delta), `${sum} vs ${delta}`);
};

/** The number of points of the SVG polyline of that class. */
const polylinePoints = (svg: string, cls: string): number =>
  (new RegExp(`<polyline class="${cls}" points="([^"]*)"`).exec(svg)?.[1] ?? "").split(" ").length;

/** `gallery --model <dir> --out <out> --method <method> --per <per>`, which must succeed. */
const galleryOk = (dir: string, out: string, method: string, per: string) => {
  const r = run("gallery", "--model", dir, "--out", out, "--method", method, "--per", per);
  assert.equal(r.status, 0, r.stderr);
};

/** SHAP (20 background beats) of a template model's beat: its morph, complete within 15 %. */
const shapOf = (dir: string, morph: string): ExplainJson => {
  const o = explainJson(dir, "shap", "--background", "20");
  assert.equal(o.morph, morph);
  assert.ok(completeness(o) <= 0.15, `SHAP completeness ${completeness(o)}`);
  return o;
};

/** classify's probabilities of the beat at sample 2044 of samples/100. */
const classifiedProbs = (dir: string): Record<string, number> => {
  const c = run("classify", "samples/100", "--model", dir, "--beats", "atr", "--json");
  assert.equal(c.status, 0, c.stderr);
  return (JSON.parse(c.stdout) as { beats: { sample: number; probs: Record<string, number> }[] }).beats.find(
    (b) => b.sample === 2044,
  )!.probs;
};

const completeness = (o: ExplainJson): number => {
  const sum =
    o.attribution.reduce((a, b) => a + b, 0) + Object.values(o.otherInputs).reduce((a, b) => a + b, 0);
  const delta = o.output - o.baselineOutput!;
  return Math.abs(sum - delta) / Math.abs(delta);
};

test("explain --json: the contract, and completeness checked from outside (IG)", async () => {
  const dir = await model;
  const o = JSON.parse(explainOk(dir, "ig", ["--class", "A", "--json"], "375").stdout) as ExplainJson;
  assert.deepEqual(
    Object.keys(o).filter((k) => k !== "quantity"),
    [
      "sample",
      "lead",
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
  assert.equal(o.lead.index, 0); // samples/100's MLII
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
  assertComplete(o, 0.01);
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
  assertComplete(o, 0.01);
});

test("explain --out: SVG with the labels, windows and sizes; PNG without a browser", async () => {
  const dir = await model;
  const svgPath = join(dirname(dir), "beat.svg");
  const r = explainOk(dir, "gradcam", ["--out", svgPath]);
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
  assert.equal(polylinePoints(svg, "waveform"), 256);
  const pngPath = join(dirname(dir), "beat.png");
  explainOk(dir, "occlusion", ["--out", pngPath]);
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
    [["--beat", "370", "--method", "shap", "--shap-floor", "2"], /--shap-floor must be a number from 0 to 1/],
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
    const plain = explainJson(dir, "shap", "--background", "20");
    assertComplete(plain, 0.15);
    assert.deepEqual(explainJson(dir, "shap", "--background", "20", "--shap-floor", "0"), plain);
    // the opt-in floor stops the refinement earlier: class L's logit (|Δ| 1.02) at 3 % of the paths' mean
    // |logit change|, where the default refines it to 3 % of |Δ|
    const l = ["--background", "20", "--class", "L"];
    const floored = explainJson(dir, "shap", ...l, "--shap-floor", "1");
    const lPlain = explainJson(dir, "shap", ...l);
    assertComplete(lPlain, 0.03);
    assert.notDeepEqual(floored.attribution, lPlain.attribution);
    assert.equal(floored.output, lPlain.output);
  },
);

test("gallery: a grid per class (SVG + PNG) and a README", { skip: needShared() }, async () => {
  const dir = await model;
  const out = join(dirname(dir), "gallery");
  galleryOk(dir, out, "gradcam", "2");
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
});

test("explain a residual model: every method explains beat minus template, as classify reads it", async () => {
  const dir = await residualModel;
  const classified = classifiedProbs(dir);
  for (const method of ["gradcam", "guided-gradcam", "ig", "occlusion"]) {
    const o = explainJson(dir, method, "--class", "A");
    const q = explainJson(await model, method, "--class", "A");
    // The old contract, then the added fields.
    assert.deepEqual(Object.keys(o), [...Object.keys(q), "morph", "template"]);
    assert.equal(o.morph, "residual");
    assert.equal(o.template!.length, o.attribution.length);
    // The same net reads another input: other logit, other attributions; the probabilities are classify's.
    assert.ok(Math.abs(o.output - q.output) > 1e-4, `${method}: ${o.output} vs ${q.output}`);
    assert.notDeepEqual(o.attribution, q.attribution);
    for (const [k, p] of Object.entries(o.probs)) assert.ok(Math.abs(p - classified[k]) < 1e-4, k);
    if (method === "ig") assert.ok(completeness(o) <= 0.01, `IG completeness ${completeness(o)}`);
  }
});

test("explain --out of a residual model: the beat, its median beat dashed, and what is explained", async () => {
  const dir = await residualModel;
  const svgPath = join(dirname(dir), "residual.svg");
  const r = explainOk(dir, "ig", ["--out", svgPath]);
  assert.match(r.stdout, /explained input: this beat minus the patient's median beat/);
  const svg = readFileSync(svgPath, "utf8");
  assert.equal(polylinePoints(svg, "template"), 256);
  assert.equal(polylinePoints(svg, "waveform"), 256);
  assert.match(svg, /class="input-note"[^>]*>explained input: this beat minus the patient&#39;s median beat/);
  const plainSvg = join(dirname(dir), "plain.svg");
  explainOk(await model, "ig", ["--out", plainSvg]);
  assert.ok(!readFileSync(plainSvg, "utf8").includes("template"), "an old model's picture is unchanged");
});

test(
  "explain --method shap and gallery of a residual model: background and beats minus their templates",
  { skip: needShared() },
  async () => {
    const dir = await residualModel;
    const o = shapOf(dir, "residual");
    assert.notDeepEqual(o.attribution, explainJson(await model, "shap", "--background", "20").attribution);
    const out = join(dirname(dir), "gallery");
    galleryOk(dir, out, "gradcam", "1");
    const svg = readFileSync(join(out, "class-V.svg"), "utf8");
    assert.equal(
      (svg.match(/class="template"/g) ?? []).length,
      (svg.match(/class="waveform"/g) ?? []).length,
    );
    assert.match(svg, /class="input-note"/);
    assert.match(readFileSync(join(out, "README.md"), "utf8"), /Explained input: this beat minus/);
  },
);

test("explain a pair model: every method explains the beat (read as it is and minus the template), as classify reads it", async () => {
  const dir = await pairModel;
  const classified = classifiedProbs(dir);
  const residual = explainJson(await residualModel, "ig", "--class", "A");
  for (const method of ["gradcam", "guided-gradcam", "ig", "occlusion"]) {
    const o = explainJson(dir, method, "--class", "A");
    const q = explainJson(await model, method, "--class", "A");
    // The old contract, then the added fields; one attribution per sample of the beat's window.
    assert.deepEqual(Object.keys(o), [...Object.keys(q), "morph", "template"]);
    assert.equal(o.morph, "pair");
    assert.equal(o.attribution.length, o.window[1] - o.window[0]);
    // The template is the residual model's (the same record's median beat).
    assert.deepEqual(o.template, residual.template);
    for (const [k, p] of Object.entries(o.probs)) assert.ok(Math.abs(p - classified[k]) < 1e-4, k);
    if (method === "ig" || method === "occlusion") assert.ok(o.baselineOutput !== null);
    if (method === "ig") assert.ok(completeness(o) <= 0.01, `IG completeness ${completeness(o)}`);
  }
});

test("explain --out of a pair model: the beat, its median beat dashed, and what is explained", async () => {
  const dir = await pairModel;
  const svgPath = join(dirname(dir), "pair.svg");
  const r = explainOk(dir, "ig", ["--out", svgPath]);
  assert.match(
    r.stdout,
    /explained input: this beat, read by the model as it is and as its deviation from the patient's median beat/,
  );
  const svg = readFileSync(svgPath, "utf8");
  assert.equal(polylinePoints(svg, "template"), 256);
  assert.match(svg, /class="input-note"[^>]*>explained input: this beat, read by the model as it is/);
});

test(
  "explain --method shap and gallery of a pair model: complete on the beat, templates drawn",
  { skip: needShared() },
  async () => {
    const dir = await pairModel;
    shapOf(dir, "pair");
    const out = join(dirname(dir), "gallery");
    for (const method of ["gradcam", "occlusion"]) {
      galleryOk(dir, out, method, "1");
      const svg = readFileSync(join(out, "class-V.svg"), "utf8");
      const panels = (svg.match(/class="waveform"/g) ?? []).length;
      assert.ok(panels >= 1);
      assert.equal((svg.match(/class="template"/g) ?? []).length, panels);
      assert.match(
        svg,
        /class="input-note"[^>]*>explained: the beat, which the model reads as it is and minus/,
      );
      assert.match(
        readFileSync(join(out, "README.md"), "utf8"),
        /Explained input: this beat, read by the model/,
      );
    }
  },
);
