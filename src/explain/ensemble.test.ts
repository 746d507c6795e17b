import { test } from "node:test";
import assert from "node:assert/strict";
import { V2, arrhythmiNet } from "../model/arrhythminet.js";
import { initWeights, type Weights } from "../model/engine/module.js";
import { mulberry32, uniformArray } from "../model/engine/rng.js";
import { createSession, loadOrt } from "../model/engine/runtime.js";
import { ensembleNet, memberPrefix } from "../model/ensemble-net.js";
import { explainGraph, type ExplainIo } from "./graph.js";

const IO: ExplainIo = { input: [1, 256], extraFeatures: 2, numClasses: 4 };
const N = 3;

async function run(model: Uint8Array, feeds: Record<string, Float32Array>) {
  const { Tensor } = await loadOrt();
  const s = await createSession(model);
  const shapes: Record<string, number[]> = {
    x: [N, ...IO.input],
    extra: [N, IO.extraFeatures],
    select: [N, IO.numClasses],
  };
  const out = await s.run(
    Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new Tensor("float32", v, shapes[k])])),
  );
  await s.release();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= 1e-4 + 1e-3 * Math.abs(b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test("an ensemble of two copies of one net explains as that net's centred logit, its feature maps side by side", async () => {
  const net = arrhythmiNet(V2, IO.numClasses);
  const rng = mulberry32(5);
  const w: Weights = initWeights(
    (ctx) => net(ctx, ctx.g.input("x", [1, ...IO.input]), ctx.g.input("extra", [1, IO.extraFeatures])),
    rng,
  );
  const twice: Weights = {};
  for (const i of [0, 1]) for (const [k, v] of Object.entries(w)) twice[memberPrefix(i) + k] = v;
  const x = uniformArray(rng, N * 256, -2, 2);
  const extra = uniformArray(rng, N * 2, 0.5, 1.5);
  const cls = [0, 2, 3];
  const onehot = new Float32Array(N * IO.numClasses);
  cls.forEach((c, r) => (onehot[r * IO.numClasses + c] = 1));
  const centred = onehot.map((v) => v - 1 / IO.numClasses);
  for (const layout of ["CNL", "NCL"] as const) {
    const ens = await run(explainGraph(ensembleNet([net, net]), IO, twice, "gradients", layout), {
      x,
      extra,
      select: onehot,
    });
    const one = await run(explainGraph(net, IO, w, "gradients", layout), { x, extra, select: centred });
    const logitsCentred = one.logits.map((v, i) => {
      const r = Math.floor(i / IO.numClasses) * IO.numClasses;
      return v - one.logits.subarray(r, r + IO.numClasses).reduce((a, b) => a + b, 0) / IO.numClasses;
    });
    close(ens.logits, logitsCentred, `${layout} logits`);
    close(ens.gradX, one.gradX, `${layout} gradX`);
    close(ens.gradExtra, one.gradExtra, `${layout} gradExtra`);
    // (N, 2C, L'): each member's map, and half of the net's gradient (each copy holds half of the mean)
    const side = (t: Float32Array, scale: number) => {
      const per = t.length / N;
      const out = new Float32Array(2 * t.length);
      for (let r = 0; r < N; r++)
        for (const h of [0, 1])
          out.set(
            t.subarray(r * per, (r + 1) * per).map((v) => v * scale),
            (2 * r + h) * per,
          );
      return out;
    };
    close(ens.acts, side(one.acts, 1), `${layout} acts`);
    close(ens.gradActs, side(one.gradActs, 0.5), `${layout} gradActs`);
  }
});
