// Explanations of a model with test-time shifts (model.json testTimeShifts, src/model/shifts.ts): the
// classifier averages each beat's class probabilities over its net input translated by d samples, d in
// `shifts` (S_d = shiftRows: out[t] = x[clamp(t + d)], every channel of the row). What is explained is
// that shift-averaged model, not the net on the unshifted input:
//   - the explained score of class c is h_c(x) = mean_d z_c(S_d x), the class logit averaged over the shifted
//     inputs; its gradient is mean_d S_d^T grad z_c(S_d x) (shiftRowsAdjoint: the repeated edge sample
//     gathers the gradient of every position that copied it); the extra (RR) inputs are not shifted;
//   - the predicted (explained) class is the argmax of probs, the mean of softmax z(S_d x) over d: classify's.
// One wrapper around an explainer's logits and gradients. IG and SHAP integrate h one shifted net per path
// (shiftGradients below: z_c(S_d x) alone, pulled back by S_d^T; paths.ts), complete on h (SHAP: against its
// (beat, shift) pairs' mean); the other methods explain h without knowing of the shifts: occlusion records
// drops of h, Guided Grad-CAM's guided gradient is mean_d S_d^T of the per-shift ones. Grad-CAM gets one feature map per shift
// (GradBatch.actShifts, gradients of h: the per-shift ones / |shifts|), see gradcam.ts. The shifted copies of
// a row are consecutive rows of one batched run. A pair explainer's rows are beats with a template each: both
// are shifted, so the net reads S_d [beat, beat - template], the whole net input shifted as in classify.
import { shiftRows, shiftRowsAdjoint } from "../model/shifts.js";
import type { Explainer, GradBatch, RowTemplates } from "./explainer.js";

/** `e` explaining the mean over `shifts` (src/model/shifts.ts); `e` itself when there are none. */
export function withTestShifts(e: Explainer, shifts: readonly number[] | undefined): Explainer {
  if (!shifts) return e;
  if (shifts.length === 0) throw new Error("withTestShifts: no shifts");
  const D = shifts.length;
  const len = e.io.input[1];
  const W = e.width;
  const F = e.io.extraFeatures;
  const K = e.io.numClasses;
  /** every row's D shifted copies, consecutive (row r, shift s at row r * D + s) */
  const copies = (x: Float32Array): Float32Array => {
    const n = x.length / W;
    if (!Number.isInteger(n)) throw new Error(`x: length ${x.length} is not a multiple of ${W}`);
    const out = new Float32Array(n * D * W);
    for (let r = 0; r < n; r++) {
      const row = x.subarray(r * W, (r + 1) * W);
      shifts.forEach((d, s) => out.set(shiftRows(row, len, d), (r * D + s) * W));
    }
    return out;
  };
  const repeat = (v: Float32Array | undefined, width: number) => {
    if (!v) return undefined;
    const out = new Float32Array(v.length * D);
    for (let r = 0; r < v.length / width; r++)
      for (let s = 0; s < D; s++) out.set(v.subarray(r * width, (r + 1) * width), (r * D + s) * width);
    return out;
  };
  const shiftedTemplates = new WeakMap<Float32Array, Float32Array[]>();
  /** a template's D shifted copies (cached per template; a missing row stays missing) */
  const shiftedOf = (row: Float32Array): Float32Array[] => {
    let c = row && shiftedTemplates.get(row);
    if (!c && row) shiftedTemplates.set(row, (c = shifts.map((d) => shiftRows(row, len, d))));
    return c ?? shifts.map(() => row);
  };
  const templatesOf = (t: RowTemplates | undefined) => t && Array.from(t).flatMap((row) => shiftedOf(row));
  /** the mean of each row's D consecutive copies (n*D x w values -> n x w) */
  const meanOf = <T extends Float32Array | Float64Array>(v: T, w: number, out: T): T => {
    for (let i = 0; i < out.length; i++) {
      const r = Math.floor(i / w);
      let sum = 0;
      for (let s = 0; s < D; s++) sum += v[(r * D + s) * w + (i % w)];
      out[i] = sum / D;
    }
    return out;
  };
  const rows = (x: Float32Array) => x.length / W;
  return {
    ...e,
    testTimeShifts: shifts,
    async logits(x, extra, templates) {
      const z = await e.logits(copies(x), repeat(extra, F), templatesOf(templates));
      return meanOf(z, K, new Float32Array(rows(x) * K));
    },
    async probs(x, extra, templates) {
      const p = await e.probs(copies(x), repeat(extra, F), templatesOf(templates));
      return meanOf(p, K, new Float64Array(rows(x) * K));
    },
    async gradients(x, extra, cls, kind, templates) {
      const n = rows(x);
      const c = new Int32Array(n * D);
      for (let r = 0; r < n; r++) c.fill(cls[r], r * D, (r + 1) * D);
      const b = await e.gradients(copies(x), repeat(extra, F), c, kind, templatesOf(templates));
      const gradX = new Float32Array(n * W);
      for (let r = 0; r < n; r++)
        shifts.forEach((d, s) => {
          const g = shiftRowsAdjoint(b.gradX.subarray((r * D + s) * W, (r * D + s + 1) * W), len, d);
          for (let i = 0; i < W; i++) gradX[r * W + i] += g[i] / D;
        });
      const out: GradBatch = {
        n,
        logits: meanOf(b.logits, K, new Float32Array(n * K)),
        gradX,
        gradExtra: meanOf(b.gradExtra, F, new Float32Array(n * F)),
        // row r's D maps are consecutive already: n x D x C' x L'
        acts: b.acts,
        gradActs: b.gradActs.map((v) => v / D),
        actShape: b.actShape,
        actShifts: shifts,
      };
      return out;
    },
    async shiftGradients(x, extra, cls, shift, templates) {
      const n = rows(x);
      if (shift.length !== n) throw new Error(`shiftGradients: ${n} shift indices expected`);
      const d = (r: number) => {
        const v = shifts[shift[r]];
        if (v === undefined) throw new RangeError(`shift index ${shift[r]} out of range [0, ${D})`);
        return v;
      };
      const xs = new Float32Array(n * W);
      for (let r = 0; r < n; r++) xs.set(shiftRows(x.subarray(r * W, (r + 1) * W), len, d(r)), r * W);
      const t = templates && Array.from({ length: n }, (_, r) => shiftedOf(templates[r])[shift[r]]);
      const b = await e.gradients(xs, extra, cls, "gradients", t);
      const gradX = new Float32Array(n * W);
      for (let r = 0; r < n; r++)
        gradX.set(shiftRowsAdjoint(b.gradX.subarray(r * W, (r + 1) * W), len, d(r)), r * W);
      return { ...b, gradX, actShifts: undefined };
    },
  };
}
