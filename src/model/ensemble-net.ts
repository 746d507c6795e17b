// An ensemble of nets trained apart (the same recipe, different seeds) as one net: its probabilities are the
// mean of its members' (docs/RESULTS.md, inter-patient search 62). Member i's weights are named "m<i>.<name>";
// the ensemble is one graph, so model.onnx, the decision chain after the net and the explanations treat it as
// any other net.
import { arrhythmiNet, type ArrhythmiNetConfig } from "./arrhythminet.js";
import type { ModelFn } from "./engine/build.js";
import type { Ctx } from "./engine/module.js";
import { meanProbLogits } from "./engine/ops/index.js";

export const memberPrefix = (i: number): string => `m${i}.`;

/** `ctx` with every parameter and buffer name prefixed. */
function prefixed(ctx: Ctx, prefix: string): Ctx {
  return {
    g: ctx.g,
    training: ctx.training,
    layout: ctx.layout,
    param: (name, shape, init) => ctx.param(prefix + name, shape, init),
    buffer: (name, shape, init) => ctx.buffer(prefix + name, shape, init),
    setBuffer: (name, value) => ctx.setBuffer(prefix + name, value),
  };
}

/** The members' nets side by side on the same input; logits = log of their mean probabilities. */
export function ensembleNet(members: readonly ModelFn[]): ModelFn {
  return (ctx, x, extra) =>
    meanProbLogits(
      ctx.g,
      members.map((net, i) => net(prefixed(ctx, memberPrefix(i)), x, extra)),
    );
}

/** The net a model.json describes: ArrhythmiNet `arch`, or an ensemble of `members` of them. */
export function netOf(arch: ArrhythmiNetConfig, numClasses: number, members?: number): ModelFn {
  const net = arrhythmiNet(arch, numClasses);
  return members ? ensembleNet(Array.from({ length: members }, () => net)) : net;
}
