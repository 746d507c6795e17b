import { test } from "node:test";
import assert from "node:assert/strict";
import { RR_DIM } from "../beats/index.js";
import { SECOND_TEMPLATE, secondTemplateError, secondTemplates } from "./second-template.js";
import { beat, record } from "./second-template-fixture.js";

const classes = ["N", "S", "V", "F", "Q"];
const window = { before: 90, after: 166 };
test("a second normal shape called N by the first pass becomes the template of the beats shaped like it", () => {
  // 60 narrow upright beats, 30 wide inverted ones called N, 10 more wide inverted ones called V
  const shapes: [number, number][] = [
    ...Array.from({ length: 60 }, (): [number, number] => [4, 1]),
    ...Array.from({ length: 40 }, (): [number, number] => [9, -1]),
  ];
  const called = [...new Array(90).fill(0), ...new Array(10).fill(2)];
  const r = record(shapes, called);
  const spec = { classes, window, secondTemplate: SECOND_TEMPLATE };
  const { templates, moved } = secondTemplates(spec, r.net, r.beats);
  assert.equal(templates.size, 1);
  assert.deepEqual(
    moved,
    Array.from({ length: 40 }, (_, i) => 60 + i),
  ); // the beats called V too
  const t = templates.get("")!;
  const want = beat(9, -1);
  assert.ok(t.every((v, k) => Math.abs(v - want[k]) < 1e-5));
  // without the setting, or with too few unlike beats (30 of the 90 called N < 45 %), nothing moves
  assert.deepEqual(secondTemplates({ classes, window }, r.net, r.beats).moved, []);
  const few = secondTemplates(
    { classes, window, secondTemplate: { ...SECOND_TEMPLATE, fraction: 0.45 } },
    r.net,
    r.beats,
  );
  assert.deepEqual([few.templates.size, few.moved.length], [0, 0]);
  // one shape only: no second template
  const one = record(
    Array.from({ length: 50 }, (): [number, number] => [4, 1]),
    new Array(50).fill(0),
  );
  assert.equal(secondTemplates(spec, one.net, one.beats).templates.size, 0);
});

test("each record has its own second template; excluded beats are left out of it", () => {
  const shapes: [number, number][] = [
    ...Array.from({ length: 40 }, (): [number, number] => [4, 1]),
    ...Array.from({ length: 25 }, (): [number, number] => [9, -1]),
  ];
  const a = record(shapes, new Array(65).fill(0));
  const b = record(
    Array.from({ length: 65 }, (): [number, number] => [4, 1]),
    new Array(65).fill(0),
  );
  const windows = new Float32Array([...a.windows, ...b.windows]);
  const net = new Float32Array([...a.net, ...b.net]);
  const rec = [...new Array(65).fill("a"), ...new Array(65).fill("b")];
  const beats = { rr: new Float32Array(130 * RR_DIM).fill(1), windows, record: rec };
  const spec = { classes, window, secondTemplate: SECOND_TEMPLATE };
  const got = secondTemplates(spec, net, beats);
  assert.deepEqual([...got.templates.keys()], ["a"]);
  assert.equal(got.moved.length, 25);
  const exclude = new Uint8Array(130);
  exclude.fill(1, 40, 60); // 5 unlike beats left: fewer than 20
  assert.equal(secondTemplates(spec, net, beats, exclude).templates.size, 0);
});

test("model.json's secondTemplate is checked", () => {
  assert.equal(secondTemplateError(SECOND_TEMPLATE), undefined);
  assert.match(secondTemplateError(null)!, /must be an object/);
  assert.match(secondTemplateError({ ...SECOND_TEMPLATE, below: 1.5 })!, /below/);
  assert.match(secondTemplateError({ ...SECOND_TEMPLATE, min: 0.5 })!, /min/);
  assert.match(secondTemplateError({ ...SECOND_TEMPLATE, fraction: -1 })!, /fraction/);
});
