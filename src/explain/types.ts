// The shared vocabulary of the explanation methods.

export const METHODS = ["gradcam", "guided-gradcam", "shap", "ig", "occlusion"] as const;
export type MethodName = (typeof METHODS)[number];

export const METHOD_TITLES: Readonly<Record<MethodName, string>> = {
  gradcam: "Grad-CAM",
  "guided-gradcam": "Guided Grad-CAM",
  shap: "GradientSHAP (expected gradients)",
  ig: "Integrated gradients",
  occlusion: "Occlusion",
};

export function isMethodName(s: string): s is MethodName {
  return (METHODS as readonly string[]).includes(s);
}

/** Model inputs of n beats, row-major: n x L waveform samples and n x F extra (RR) inputs. */
export interface Beats {
  readonly x: Float32Array;
  readonly extra?: Float32Array;
  /** a pair model: each beat's record template (L values each; the net reads [beat, beat - template]) */
  readonly template?: readonly Float32Array[];
}

/** The explanation of one beat for one class. Every method explains the class LOGIT (pre-softmax). */
export interface Attribution {
  readonly method: MethodName;
  readonly classIndex: number;
  /** one value per waveform sample of the model's window (a pair model: per sample of the beat, the two
   * input channels' attributions summed) */
  readonly attribution: Float32Array;
  /** one value per extra (RR) input, in the model's order */
  readonly other: Float32Array;
  /** the class logit at the beat */
  readonly output: number;
  /** IG: the logit at the baseline; SHAP: its mean over the background; occlusion: the logit with
   * every sample occluded; Grad-CAM methods: null (they make no completeness claim) */
  readonly baselineOutput: number | null;
  /** every class logit at the beat */
  readonly logits: Float32Array;
  /** method diagnostics (IG: steps, completenessError; SHAP: samples, completenessError; ...) */
  readonly info: Readonly<Record<string, number>>;
}

/** |sum of attributions - (output - baselineOutput)| / |output - baselineOutput| (floor 1e-6). */
export function completenessError(a: Attribution): number {
  if (a.baselineOutput === null) return NaN;
  const delta = a.output - a.baselineOutput;
  let s = 0;
  for (const v of a.attribution) s += v;
  for (const v of a.other) s += v;
  return Math.abs(s - delta) / Math.max(Math.abs(delta), 1e-6);
}
