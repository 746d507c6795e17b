import { test } from "node:test";
import assert from "node:assert/strict";
import { ARCHS, INPUT_SHAPE, arrhythmiNet, type Arch } from "./arrhythminet.js";
import { numel } from "./engine/graph.js";
import { specsOf } from "./engine/module.js";

const BUDGET_KB: Record<Arch, number> = {
  v1: 302.18,
  v2: 157.76,
  v1m: 302.18,
  v2m: 157.76,
  v1h: 302.18 / 2,
  v1k: 302.18,
};

function footprint(arch: Arch, extraFeatures: number) {
  const specs = specsOf((ctx) => {
    const x = ctx.g.input("x", [4, ...INPUT_SHAPE]);
    const extra = extraFeatures > 0 ? ctx.g.input("extra", [4, extraFeatures]) : undefined;
    const logits = arrhythmiNet(ARCHS[arch], 5)(ctx, x, extra);
    assert.deepEqual(logits.shape, [4, 5]);
  });
  const params = specs.params.reduce((a, s) => a + numel(s.shape), 0);
  return { params, kb: (params * 4) / 1024, names: specs.params.map((s) => s.name) };
}

for (const arch of Object.keys(BUDGET_KB) as Arch[]) {
  test(`ArrhythmiNet ${arch}: float32 footprint within ${BUDGET_KB[arch]} KB, with or without extra features`, () => {
    for (const extra of [0, 4, 5]) {
      const { params, kb, names } = footprint(arch, extra);
      assert.ok(kb <= BUDGET_KB[arch], `${arch} extra=${extra}: ${params} params = ${kb.toFixed(2)} KB`);
      assert.ok(kb > BUDGET_KB[arch] * 0.9, `${arch}: ${kb.toFixed(2)} KB leaves the budget unused`);
      assert.equal(new Set(names).size, names.length, "parameter names are unique");
    }
  });
}

test("V2 is the smaller net", () => {
  assert.ok(footprint("v2", 0).params < footprint("v1", 0).params);
});

test("V1M and V2M: mixing units feed the classifier (8 more inputs), V1 and V2 have none", () => {
  const mixes = (arch: Arch) => footprint(arch, 5).names.some((n) => n.startsWith("mix."));
  assert.ok(mixes("v1m") && mixes("v2m"));
  assert.ok(!mixes("v1") && !mixes("v2"));
});
