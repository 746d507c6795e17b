import { test } from "node:test";
import assert from "node:assert/strict";
import { grossScore, matchBeats, scoreBeats, vfEpisodes } from "./score.js";

test("matching pairs beats within the window, each at most once, the closer pairing first", () => {
  assert.deepEqual(matchBeats([100, 200, 300], [101, 260, 420], 54), [
    [0, 0],
    [2, 1],
  ]);
  assert.deepEqual(matchBeats([100, 130], [128], 54), [[1, 0]]);
  assert.deepEqual(matchBeats([100], [90, 99], 54), [[0, 1]]);
  assert.deepEqual(matchBeats([], [1, 2], 54), []);
});

test("Se and +P, start time, exclusions and gross sums", () => {
  const ref = [360, 720, 1080, 1440, 1800];
  const test_ = [362, 700, 1300, 1805];
  const s = scoreBeats(ref, test_, 360);
  assert.deepEqual([s.tp, s.fn, s.fp], [3, 2, 1]);
  assert.equal(s.se, 60);
  assert.equal(s.ppv, 75);
  const late = scoreBeats(ref, test_, 360, { from: 1000 });
  assert.deepEqual([late.tp, late.fn, late.fp], [1, 2, 1]);
  const ex = scoreBeats(ref, test_, 360, { exclude: [[1000, 1500]] });
  assert.deepEqual([ex.tp, ex.fn, ex.fp], [3, 0, 0]);
  const g = grossScore([s, ex]);
  assert.deepEqual([g.tp, g.fn, g.fp], [6, 2, 1]);
  assert.equal(scoreBeats([], [], 360).se, 100);
});

test("VF episodes run from '[' to ']', an open one to the end", () => {
  const anns = [
    { sample: 10, code: 1 },
    { sample: 20, code: 32 },
    { sample: 30, code: 33 },
    { sample: 50, code: 32 },
  ];
  assert.deepEqual(vfEpisodes(anns), [
    [20, 30],
    [50, Infinity],
  ]);
});
