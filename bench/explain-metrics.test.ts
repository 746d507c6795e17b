// Cascading randomisation (bench:explain's sanity check) must re-initialise every trained weight of each net.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ARCHS, INPUT_SHAPE, arrhythmiNet } from "../src/model/arrhythminet.js";
import { specsOf } from "../src/model/engine/module.js";
import { layerGroups } from "./explain-metrics.js";

test("layerGroups: every weight and bias outside batch norm is in one group, for each architecture", () => {
  for (const [arch, cfg] of Object.entries(ARCHS)) {
    const { params } = specsOf((ctx) => {
      const x = ctx.g.input("x", [2, ...INPUT_SHAPE]);
      arrhythmiNet(cfg, 5)(ctx, x, ctx.g.input("extra", [2, 5]));
    });
    const names = params.map((p) => p.name);
    const groups = layerGroups(Object.fromEntries(names.map((n) => [n, new Float32Array(0)])));
    const grouped = groups.flat();
    assert.equal(new Set(grouped).size, grouped.length, `${arch}: a weight in two groups`);
    const trained = names.filter((n) => /\.(weight|bias)$/.test(n) && !/\.bn\./.test(n));
    assert.deepEqual([...grouped].sort(), [...trained].sort(), `${arch}: weights the cascade leaves trained`);
    assert.ok(groups[0].some((n) => n.startsWith("head.")));
  }
});
