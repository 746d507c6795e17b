// Grad-CAM (Selvaraju et al. 2017) on the last conv block, and Guided Grad-CAM: the class-logit
// gradient of each feature channel, averaged over positions, weights that channel's activations;
// the positive part of the weighted sum, linearly interpolated to the input length, is the map.
// A model with test-time shifts (shifted.ts) has one feature map per shifted copy of the input: each copy's
// map, moved back to the beat's own time axis, and their mean is the map (camOnInput).
import type { Explainer, GradBatch } from "./explainer.js";
import type { Attribution, Beats } from "./types.js";

/**
 * Feature position j of the last block sits over input sample j * L / L' (every layer pads
 * symmetrically, so its outputs are centred on the strided input positions): linear interpolation
 * between those centres, held constant past the last one.
 */
export function upsample(cam: ArrayLike<number>, length: number): Float32Array {
  const lf = cam.length;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const u = Math.min((i * lf) / length, lf - 1);
    const j = Math.floor(u);
    const t = u - j;
    out[i] = j + 1 < lf ? cam[j] * (1 - t) + cam[j + 1] * t : cam[j];
  }
  return out;
}

/** The Grad-CAM map of row r of a gradient batch (its feature map s of b.actShifts), at the feature map's
 * resolution. */
export function camOf(b: GradBatch, r: number, s = 0): Float32Array {
  const [c, lf] = b.actShape;
  const base = (r * (b.actShifts?.length ?? 1) + s) * c * lf;
  const cam = new Float32Array(lf);
  for (let ch = 0; ch < c; ch++) {
    let alpha = 0;
    for (let t = 0; t < lf; t++) alpha += b.gradActs[base + ch * lf + t];
    alpha /= lf;
    for (let t = 0; t < lf; t++) cam[t] += alpha * b.acts[base + ch * lf + t];
  }
  for (let t = 0; t < lf; t++) cam[t] = Math.max(cam[t], 0);
  return cam;
}

/**
 * The Grad-CAM map of row r over `length` input samples. With test-time shifts (b.actShifts), the sum of
 * each shifted copy's map (its gradients are h's, the copy's own / |shifts|: so the mean of the per-copy
 * Grad-CAMs), moved back to the row's own time axis: copy d's input sample t is the row's sample t + d, and
 * the row's samples a copy does not see (the first d for d > 0, the last -d for d < 0) get 0 from it.
 */
export function camOnInput(b: GradBatch, r: number, length: number): Float32Array {
  if (!b.actShifts) return upsample(camOf(b, r), length);
  const out = new Float32Array(length);
  b.actShifts.forEach((d, s) => {
    const cam = upsample(camOf(b, r, s), length);
    for (let u = Math.max(0, d); u < Math.min(length, length + d); u++) out[u] += cam[u - d];
  });
  return out;
}

export interface CamOptions {
  /** baseline of the extra inputs (their attribution is gradient x (value - baseline)); default 0 */
  readonly extraBaseline?: Float32Array;
}

function extraAttribution(e: Explainer, beats: Beats, grad: Float32Array, r: number, o: CamOptions) {
  const F = e.io.extraFeatures;
  const other = new Float32Array(F);
  for (let k = 0; k < F; k++)
    other[k] = grad[r * F + k] * (beats.extra![r * F + k] - (o.extraBaseline?.[k] ?? 0));
  return other;
}

/** Grad-CAM of n beats for class cls[i] each, in one batched run. */
export function gradCam(e: Explainer, beats: Beats, cls: Int32Array, o: CamOptions = {}) {
  return camRun(e, beats, cls, o, "gradcam");
}

/** Guided Grad-CAM: Grad-CAM times the guided-backpropagation gradient of the input. */
export function guidedGradCam(e: Explainer, beats: Beats, cls: Int32Array, o: CamOptions = {}) {
  return camRun(e, beats, cls, o, "guided-gradcam");
}

/** The "gradients" batch of the beats (and, for Guided Grad-CAM, then the "guided" one), mapped per row. */
async function camRun(
  e: Explainer,
  beats: Beats,
  cls: Int32Array,
  o: CamOptions,
  method: "gradcam" | "guided-gradcam",
): Promise<Attribution[]> {
  const b = await e.gradients(beats.x, beats.extra, cls, "gradients", beats.template);
  const guided =
    method === "guided-gradcam"
      ? await e.gradients(beats.x, beats.extra, cls, "guided", beats.template)
      : undefined;
  return Array.from({ length: b.n }, (_, r) => camResult(e, beats, b, r, cls[r], o, method, guided));
}

function camResult(
  e: Explainer,
  beats: Beats,
  b: GradBatch,
  r: number,
  cls: number,
  o: CamOptions,
  method: "gradcam" | "guided-gradcam",
  guided?: GradBatch,
): Attribution {
  const K = e.io.numClasses;
  const cam = camOnInput(b, r, e.width);
  const grads = guided ?? b;
  if (guided) for (let i = 0; i < cam.length; i++) cam[i] *= guided.gradX[r * e.width + i];
  return {
    method,
    classIndex: cls,
    attribution: cam,
    other: extraAttribution(e, beats, grads.gradExtra, r, o),
    output: b.logits[r * K + cls],
    baselineOutput: null,
    logits: b.logits.slice(r * K, (r + 1) * K),
    info: {},
  };
}
