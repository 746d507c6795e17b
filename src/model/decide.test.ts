import { test } from "node:test";
import assert from "node:assert/strict";
import { RR_DIM, RR_FEATURES } from "../beats/index.js";
import { guardSmoothed } from "./decide.js";

test("smoothedFrom compares the final labels with and without the smoothing, the guard applied to both", () => {
  const spec = {
    classes: ["N", "S", "V", "F", "Q"],
    window: { before: 90, after: 166 },
    rhythmGuard: { suppress: "S", threshold: 0.13, logOffset: 0 },
  };
  // beat 0, irregular rhythm (S ruled out): the net says S > V > N, so the guarded net says V; the smoothing moves V's
  // share to N: its top class stays S (the net's argmax is unchanged), but after the guard N, not V
  // beat 1, regular: S on top with and without the smoothing (N and V trade places below it)
  const net = Float32Array.of(0.25, 0.4, 0.35, 0, 0, 0.25, 0.4, 0.35, 0, 0);
  const smoothed = Float32Array.of(0.45, 0.4, 0.15, 0, 0, 0.35, 0.4, 0.25, 0, 0);
  const rr = new Float32Array(2 * RR_DIM);
  rr[RR_FEATURES.indexOf("rhythmIrregularity")] = 0.5;
  const d = guardSmoothed(spec, net, smoothed, rr);
  assert.deepEqual([...(d.smoothedFrom ?? [])], [2, -1]);
  assert.deepEqual([...(d.ruledOut ?? [])], [1, 0]);
});
