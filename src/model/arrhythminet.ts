// ArrhythmiNet V1 and V2: two configurations of one MobileNet-style depthwise-separable 1D CNN.
//
//   x (N, 1 or 2, 256) -> stem conv k7 /2 + BN + ReLU
//     -> blocks: depthwise conv k7 (/stride) -> pointwise conv -> BN -> ReLU
//     -> global average pool -> [concat ReLU(dense(extra features))] -> [concat ReLU(dense(., mix))]
//     -> dense -> logits (N, K)
//
// One BN + ReLU per block, after the pointwise conv (the depthwise and pointwise convs form one
// factorised linear conv, as in Xception): half the normalisation passes of the classic MobileNet
// block, which is what a training step spends most of its element-wise time on.
// Optional extra features (e.g. 4 RR-interval features) go through their own small dense + ReLU
// pathway concatenated with the pooled CNN features, so the CNN cannot drown them out.
// Optional dropout (training only) on those features before the classifier.
// Optional mixing units (V1M, V2M): a few ReLU units over [CNN features, RR pathway] join the classifier's inputs,
// so that it can form a conjunction such as "a normal-looking beat AND a premature interval" (class S), which
// a linear classifier over the two parts cannot (docs/RESULTS.md, inter-patient searches 8-9).
import type { Tensor } from "./engine/graph.js";
import type { Ctx } from "./engine/module.js";
import type { ModelFn } from "./engine/build.js";
import { batchNorm, channels, conv, dense, pool, relu } from "./engine/nn.js";
import { concat, dropout } from "./engine/ops/index.js";

export interface ArrhythmiNetConfig {
  readonly stem: number;
  /** [output channels, stride] of each depthwise-separable block */
  readonly blocks: readonly (readonly [number, number])[];
  readonly kernel: number;
  /** width of the extra-features pathway (used only when extra features are given) */
  readonly extraHidden: number;
  /** mixing units whose ReLU outputs join the classifier's inputs (absent: none) */
  readonly mix?: number;
}

export const V1: ArrhythmiNetConfig = {
  stem: 32,
  blocks: [
    [48, 2],
    [64, 1],
    [96, 2],
    [128, 1],
    [160, 2],
    [168, 1],
  ],
  kernel: 7,
  extraHidden: 16,
};

export const V2: ArrhythmiNetConfig = {
  stem: 24,
  blocks: [
    [32, 2],
    [48, 1],
    [64, 2],
    [96, 1],
    [112, 2],
    [118, 1],
  ],
  kernel: 7,
  extraHidden: 16,
};

/** `cfg` with 8 mixing units, paid for by a last block of `last` channels (within the same budget). */
const withMixing = (cfg: ArrhythmiNetConfig, last: number): ArrhythmiNetConfig => ({
  ...cfg,
  blocks: [...cfg.blocks.slice(0, -1), [last, 1]],
  mix: 8,
});

/** V1 with 8 mixing units, its last block 8 channels narrower (within V1's 302.18 KB). */
export const V1M = withMixing(V1, 160);
/** V2 with 8 mixing units, its last block 8 channels narrower (within V2's 157.76 KB). */
export const V2M = withMixing(V2, 110);

/**
 * Half of V1's budget (<= 151.09 KB): V2M with a last block of 96 channels. Two of them, trained with different
 * seeds, make an ensemble within V1's 302.18 KB (docs/RESULTS.md, inter-patient search 62).
 */
export const V1H = withMixing(V2, 96);

/** V1M with kernels of 11 instead of 7, its last block 146 channels (300.76 KB; docs/RESULTS.md, search 64). */
export const V1K: ArrhythmiNetConfig = { ...V1M, kernel: 11, blocks: [...V1M.blocks.slice(0, -1), [146, 1]] };

export const ARCHS = { v1: V1, v2: V2, v1m: V1M, v2m: V2M, v1h: V1H, v1k: V1K } as const;
export type Arch = keyof typeof ARCHS;

export const isArch = (s: string): s is Arch => Object.hasOwn(ARCHS, s);

/**
 * Window the nets read: 1 channel x 256 samples at 360 Hz, R peak at index 90 (2 channels for a "pair"
 * input, src/beats/template.ts: the beat and the beat minus its record's median beat).
 */
export const INPUT_SHAPE: readonly [number, number] = [1, 256];

export interface TrainingOptions {
  /** dropout probability on the features before the classifier (training only; default 0) */
  readonly dropout?: number;
  /** seed of the dropout masks */
  readonly seed?: number;
}

export function arrhythmiNet(cfg: ArrhythmiNetConfig, numClasses: number, o: TrainingOptions = {}): ModelFn {
  return (ctx: Ctx, x: Tensor, extra?: Tensor): Tensor => {
    const k = cfg.kernel;
    let h = relu(
      ctx.g,
      batchNorm(ctx, "stem.bn", conv(ctx, "stem.conv", x, { out: cfg.stem, k, stride: 2, first: true })),
    );
    cfg.blocks.forEach(([out, stride], i) => {
      const c = channels(ctx, h);
      const dw = conv(ctx, `b${i}.dw`, h, { out: c, k, stride, group: c });
      const pw = conv(ctx, `b${i}.pw`, dw, { out, k: 1 });
      h = relu(ctx.g, batchNorm(ctx, `b${i}.bn`, pw));
    });
    let features = pool(ctx, h);
    if (extra) features = concat(ctx.g, [features, relu(ctx.g, dense(ctx, "extra", extra, cfg.extraHidden))]);
    if (ctx.training && o.dropout) features = dropout(ctx.g, features, o.dropout, o.seed ?? 0);
    if (cfg.mix) features = concat(ctx.g, [features, relu(ctx.g, dense(ctx, "mix", features, cfg.mix))]);
    return dense(ctx, "head", features, numClasses);
  };
}
