// Explanations of a model bundle (models/<name>/): its explainer, what it reads, and its SHAP
// background drawn from the training part of its own scheme and split. A residual model (morph
// "residual") explains its net input, each beat minus its own record's template, the background too. A pair
// model (morph "pair") explains the beat itself: its rows are beats with their record's template (the
// explainer builds the net's [beat, beat - template]); its background beats are training beats, seen with
// the explained beat's template.
import type { BeatDataset } from "../beats/index.js";
import { datasetMorph, morphOf, netInputShape } from "../model/beat-inputs.js";
import type { ModelBundle, ModelMeta } from "../model/bundle.js";
import { secondTemplates, type SecondTemplates } from "../model/second-template.js";
import { createExplainer, type Explainer, type ExplainerOptions } from "./explainer.js";
import { rrColumns, type InputSpec, type RecordBeat } from "./record.js";
import type { Beats } from "./types.js";
import { sampleBackground, type Background } from "./shap.js";

export function inputSpecOf(meta: ModelMeta): InputSpec {
  return {
    fs: meta.fs,
    lead: meta.lead,
    window: meta.window,
    scheme: meta.scheme,
    classes: meta.classes,
    extraFeatures: meta.extraFeatures,
    extraScaling: meta.extraScaling,
    morph: meta.morph,
  };
}

/** The explainer of a bundle's network: of the shift-averaged model when model.json has testTimeShifts. */
export async function bundleExplainer(b: ModelBundle, o: ExplainerOptions = {}): Promise<Explainer> {
  if (!b.weights) throw new Error(`model ${b.dir}: weights were not loaded`);
  const { channels, len } = netInputShape(b.meta);
  return createExplainer(
    {
      arch: b.meta.arch,
      classes: b.meta.classes,
      extraNames: b.meta.extraFeatures,
      weights: b.weights,
      input: [channels, len],
      pair: morphOf(b.meta) === "pair",
      testTimeShifts: b.meta.testTimeShifts,
      members: b.meta.members,
    },
    o,
  );
}

/**
 * The "nothing unusual" value of each extra input, in the model's input space: 1 for an RR ratio
 * (the beat on time), the training mean (0 after the model's scaling) for an interval in seconds
 * when the model scales its inputs, else 0. The baseline of IG, occlusion and Grad-CAM's RR terms.
 */
export function neutralExtra(meta: ModelMeta): Float32Array {
  return Float32Array.from(meta.extraFeatures, (name, k) => {
    const s = meta.extraScaling;
    if (name.includes("/")) return s ? (1 - s.mean[k]) / s.std[k] : 1;
    return 0;
  });
}

/**
 * The explainer's rows of every beat of one part of a dataset (extra inputs scaled as the model wants; `x`
 * minus each beat's record template for a residual model, the windows themselves for a pair model, whose
 * explainer takes `templateOf` beside them), the beats' own windows and, for a residual or pair model, the
 * template of each beat.
 */
export function partInputs(meta: ModelMeta, ds: BeatDataset, part: "train" | "val" | "test") {
  const p = ds.parts[part];
  const morph = morphOf(meta);
  return {
    x: morph === "residual" ? datasetMorph(p.x, p.record, ds.windowLength, ds.templates, morph) : p.x,
    window: p.x,
    templateOf: morph === "none" ? undefined : (i: number) => templateOf(ds, p.record[i]),
    extra: rrColumns(p.rr, meta.extraFeatures, meta.extraScaling),
    rr: p.rr,
    y: p.y,
    record: p.record,
    sample: p.sample,
  };
}

export type PartInputs = ReturnType<typeof partInputs>;

/**
 * partInputs under model.json's secondTemplate (second-template.ts): the beats the model reads against their
 * record's second template, made from the net's first-pass probabilities `net` (n x classes), take it as their
 * `templateOf` (and in `x`, minus it, for a residual model); `moved`: those beats; `decision`: what decideProbs
 * takes beside the part's beats (SecondTemplates.decision). Without one: `p` as it is.
 */
export function withSecondTemplates(
  meta: ModelMeta,
  p: PartInputs,
  net: Float32Array,
): PartInputs & Pick<SecondTemplates, "decision"> & { moved: ReadonlySet<number> } {
  const beats = { rr: p.rr, windows: p.window, record: p.record };
  const { templates, moved, decision } = secondTemplates(meta, net, beats);
  if (moved.length === 0 || !p.templateOf) return { ...p, decision, moved: new Set() };
  const first = p.templateOf;
  const second = new Set(moved);
  const templateOf = (i: number) => (second.has(i) ? templates.get(p.record[i])! : first(i));
  let x = p.x;
  if (morphOf(meta) === "residual") {
    const len = p.window.length / p.y.length;
    x = Float32Array.from(p.x);
    for (const i of moved) {
      const t = templateOf(i);
      for (let k = 0; k < len; k++) x[i * len + k] = p.window[i * len + k] - t[k];
    }
  }
  return { ...p, x, templateOf, decision, moved: second };
}

function templateOf(ds: BeatDataset, record: string): Float32Array {
  const t = ds.templates.get(record);
  if (!t) throw new Error(`no template of record ${record}`);
  return t;
}

/** The explainer's rows of one record beat (beatFromRecord): a pair model's row comes with its template. */
export function beatRows(meta: ModelMeta, beat: RecordBeat): Beats {
  const extra = beat.extra.length ? beat.extra : undefined;
  if (morphOf(meta) !== "pair") return { x: beat.x, extra };
  if (!beat.template) throw new Error("a pair model's beat needs its record's template");
  return { x: beat.x, extra, template: [beat.template] };
}

/** `m` training beats drawn with `seed`: the SHAP background (a pair model: beats, its explainer adds the
 * explained beat's template). */
export function trainingBackground(meta: ModelMeta, ds: BeatDataset, m = 50, seed = 0): Background {
  const train = partInputs(meta, ds, "train");
  if (train.y.length === 0) throw new Error("the training part is empty: no background for SHAP");
  return sampleBackground(train, ds.windowLength, meta.extraFeatures.length, m, seed);
}
