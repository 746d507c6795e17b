import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHeader } from "./header.js";
import { WfdbError } from "./errors.js";

test("parseHeader reads every record-line and signal-line field", () => {
  const h = parseHeader(
    [
      "# before",
      "rec 2 360/720(12) 650000 12:30:05.5 01/02/2003",
      "rec.dat 212x2:3+24 200(1024)/mV 11 1000 995 -22131 0 MLII lead",
      "rec.dat 212 0 12 7",
      "#69 M",
    ].join("\r\n"),
  );
  assert.equal(h.recordName, "rec");
  assert.equal(h.nSignals, 2);
  assert.equal(h.fs, 360);
  assert.equal(h.counterFreq, 720);
  assert.equal(h.baseCounter, 12);
  assert.equal(h.nSamples, 650000);
  assert.equal(h.baseTime, "12:30:05.5");
  assert.equal(h.baseDate, "01/02/2003");
  assert.deepEqual(h.comments, [" before", "69 M"]);
  assert.deepEqual(h.signals[0], {
    fileName: "rec.dat",
    format: 212,
    samplesPerFrame: 2,
    skew: 3,
    byteOffset: 24,
    gain: 200,
    baseline: 1024,
    units: "mV",
    adcResolution: 11,
    adcZero: 1000,
    initValue: 995,
    checksum: -22131,
    blockSize: 0,
    description: "MLII lead",
  });
  // gain 0 -> 200; baseline and init value default to ADC zero; units to mV; no checksum
  const s = h.signals[1];
  assert.equal(s.gain, 200);
  assert.equal(s.adcZero, 7);
  assert.equal(s.baseline, 7);
  assert.equal(s.initValue, 7);
  assert.equal(s.units, "mV");
  assert.equal(s.checksum, undefined);
  assert.equal(s.description, "");
});

test("parseHeader: defaults when the record line is short; no length means undefined", () => {
  const h = parseHeader("r 1\nr.dat 16\n");
  assert.equal(h.fs, 250);
  assert.equal(h.nSamples, undefined);
  assert.equal(h.signals[0].adcResolution, 16);
  assert.equal(h.signals[0].gain, 200);
});

test("parseHeader reads multi-segment headers with layout and null segments", () => {
  const h = parseHeader("m/3 2 125 7500 01:56:25.894 09/10/2896\nm_layout 0\n~ 3000\nm_0001 4500\n");
  assert.deepEqual(h.segments, [
    { name: "m_layout", nSamples: 0 },
    { name: "~", nSamples: 3000 },
    { name: "m_0001", nSamples: 4500 },
  ]);
  assert.equal(h.nSamples, 7500);
  assert.deepEqual(h.signals, []);
});

test("parseHeader rejects malformed headers with a header WfdbError", () => {
  const bad = [
    "",
    "# only a comment",
    "r x 360",
    "r 2 360 10\nr.dat 16\n",
    "r 1 360 10\nr.dat abc\n",
    "r 1 3a0",
  ];
  for (const text of bad)
    assert.throws(
      () => parseHeader(text),
      (e: unknown) => e instanceof WfdbError && e.kind === "header",
      JSON.stringify(text),
    );
});
