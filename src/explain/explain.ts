// One entry point for every method, over a batch of beats (one class per beat).
import type { Explainer } from "./explainer.js";
import { gradCam, guidedGradCam } from "./gradcam.js";
import { integratedGradients, type IgOptions } from "./ig.js";
import { occlusion, type OcclusionOptions } from "./occlusion.js";
import { gradientShap, type Background, type ShapOptions } from "./shap.js";
import type { Attribution, Beats, MethodName } from "./types.js";

export interface ExplainOptions {
  readonly ig?: IgOptions;
  readonly shap?: ShapOptions;
  readonly occlusion?: OcclusionOptions;
  /** SHAP's background beats (required for "shap") */
  readonly background?: Background;
  /** baseline of the extra inputs for IG, occlusion and the Grad-CAM methods' gradient x input,
   * unless a method's own options give one (default 0; see neutralExtra for a model bundle) */
  readonly extraBaseline?: Float32Array;
}

export async function explainBeats(
  e: Explainer,
  beats: Beats,
  cls: Int32Array,
  method: MethodName,
  o: ExplainOptions = {},
): Promise<Attribution[]> {
  switch (method) {
    case "gradcam":
      return gradCam(e, beats, cls, { extraBaseline: o.extraBaseline });
    case "guided-gradcam":
      return guidedGradCam(e, beats, cls, { extraBaseline: o.extraBaseline });
    case "ig":
      return integratedGradients(e, beats, cls, {
        ...o.ig,
        baseline: { x: o.ig?.baseline?.x, extra: o.ig?.baseline?.extra ?? o.extraBaseline },
      });
    case "shap":
      if (!o.background) throw new Error("shap needs background beats");
      return gradientShap(e, beats, cls, o.background, o.shap);
    case "occlusion":
      return occlusion(e, beats, cls, {
        ...o.occlusion,
        baseline: { x: o.occlusion?.baseline?.x, extra: o.occlusion?.baseline?.extra ?? o.extraBaseline },
      });
  }
}
