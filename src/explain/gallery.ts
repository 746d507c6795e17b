// The gallery: for each class, correctly and wrongly classified test beats with their explanations.
import type { Explainer } from "./explainer.js";
import { explainBeats, type ExplainOptions } from "./explain.js";
import { argmaxRows, gatherRows } from "../model/batches.js";
import { mulberry32 } from "../model/engine/rng.js";
import { beatPanel, esc, scoreName } from "./render.js";
import { METHOD_TITLES, type Attribution, type MethodName } from "./types.js";

export interface GalleryBeats {
  /** n x L model windows, n x F extra inputs, true classes, and where each beat comes from */
  readonly x: Float32Array;
  readonly extra?: Float32Array;
  readonly y: Int32Array;
  readonly record: readonly string[];
  readonly sample: Int32Array;
  /** a pair model: each beat's record template (the explainer needs it; x are then the beats) */
  readonly templateOf?: (index: number) => Float32Array;
  /** the class probabilities (n x K) as classify decides them from the net's (a model's morph smoothing and
   * rhythm guard) */
  readonly decide?: (probs: Float64Array) => Float64Array;
  /** the net's probabilities (n x K) of these inputs when already known (else the explainer computes them) */
  readonly net?: Float64Array;
}

export interface GalleryItem {
  readonly index: number;
  readonly record: string;
  readonly sample: number;
  readonly truth: number;
  readonly predicted: number;
  readonly probs: number[];
  readonly explanation: Attribution;
}

export interface GalleryClass {
  readonly classIndex: number;
  readonly correct: GalleryItem[];
  readonly wrong: GalleryItem[];
  /** how many test beats of the class there were, and how many were classified correctly */
  readonly total: number;
  readonly right: number;
}

/** Draw up to `per` correct and `per` wrong beats of every class (seeded) and explain each for its predicted class. */
export async function buildGallery(
  e: Explainer,
  beats: GalleryBeats,
  method: MethodName,
  o: ExplainOptions & { per?: number; seed?: number } = {},
): Promise<GalleryClass[]> {
  const L = e.width;
  const F = e.io.extraFeatures;
  const K = e.io.numClasses;
  const n = beats.y.length;
  const rowTemplates = (rows: readonly number[]) =>
    e.pair ? rows.map((i) => beats.templateOf!(i)) : undefined;
  if (e.pair && !beats.templateOf) throw new Error("a pair model's gallery needs each beat's template");
  const net =
    beats.net ?? (await e.probs(beats.x, beats.extra, rowTemplates(Array.from({ length: n }, (_, i) => i))));
  if (net.length !== n * K)
    throw new Error(`gallery: ${net.length / K} rows of net probabilities for ${n} beats`);
  const probs = beats.decide ? beats.decide(net) : net;
  const pred = argmaxRows(probs, K);
  const rng = mulberry32(o.seed ?? 0);
  const draw = (idx: number[], m: number) => {
    const a = idx.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a.slice(0, m).sort((p, q) => p - q);
  };
  const per = o.per ?? 4;
  const out: GalleryClass[] = [];
  for (let c = 0; c < K; c++) {
    const ofClass = Array.from({ length: n }, (_, i) => i).filter((i) => beats.y[i] === c);
    const right = ofClass.filter((i) => pred[i] === c);
    const picks = {
      correct: draw(right, per),
      wrong: draw(
        ofClass.filter((i) => pred[i] !== c),
        per,
      ),
    };
    const all = [...picks.correct, ...picks.wrong];
    const x = gatherRows(beats.x, L, all);
    const extra = F > 0 ? gatherRows(beats.extra!, F, all) : undefined;
    const expl = all.length
      ? await explainBeats(
          e,
          { x, extra, template: rowTemplates(all) },
          Int32Array.from(all, (i) => pred[i]),
          method,
          o,
        )
      : [];
    const item = (i: number, r: number): GalleryItem => ({
      index: i,
      record: beats.record[i],
      sample: beats.sample[i],
      truth: c,
      predicted: pred[i],
      probs: Array.from(probs.subarray(i * K, (i + 1) * K)),
      explanation: expl[r],
    });
    out.push({
      classIndex: c,
      correct: picks.correct.map((i, r) => item(i, r)),
      wrong: picks.wrong.map((i, r) => item(i, picks.correct.length + r)),
      total: ofClass.length,
      right: right.length,
    });
  }
  return out;
}

/** Under a residual or pair model's grid: what its panels explain. */
const SHORT_NOTES = {
  residual: "explained: beat minus the patient's median beat (dashed grey)",
  pair: "explained: the beat, which the model reads as it is and minus the patient's median beat (dashed grey)",
} as const;

/** Under the grid of a model with a second template: what a panel marked "2nd" was read against. */
const SECOND_NOTE =
  "marked 2nd: read and explained against the median beat of the patient's second QRS shape";

/**
 * One class of the gallery as an SVG grid: a row of correct beats, a row of wrong ones (`x`: the gallery
 * beats' windows; `templateOf`: a residual or pair model's template of each beat, drawn dashed; `morph`: which,
 * default residual).
 */
export function gallerySvg(
  g: GalleryClass,
  classes: readonly string[],
  method: MethodName,
  x: Float32Array,
  o: {
    fs: number;
    rIndex: number;
    model: string;
    templateOf?: (index: number) => ArrayLike<number>;
    morph?: "residual" | "pair";
    /** the model's test-time shifts (the explained score averages the logit over them) */
    testTimeShifts?: readonly number[];
    /** the beats read against their record's second template (model.json secondTemplate) */
    secondTemplate?: ReadonlySet<number>;
  },
): string {
  const per = Math.max(1, g.correct.length, g.wrong.length);
  const cw = 250;
  const ch = 150;
  const W = 40 + per * cw;
  const H = 90 + 2 * (ch + 40) + (o.templateOf ? 20 : 0) + (o.templateOf && o.secondTemplate ? 16 : 0);
  const FONT = `font-family="DejaVu Sans, Arial, sans-serif"`;
  const c = classes[g.classIndex];
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text class="title" x="20" y="28" ${FONT} font-size="17" font-weight="bold" fill="#111">${esc(
      `class ${c}: ${g.right} of ${g.total} test beats classified correctly`,
    )}</text>`,
    `<text x="20" y="48" ${FONT} font-size="12" fill="#333">${esc(
      `${METHOD_TITLES[method]} of the ${scoreName("predicted class's", o.testTimeShifts)} · ${o.model} · red raises it, blue lowers it · dashed: QRS and T windows`,
    )}</text>`,
  ];
  const notes = o.templateOf
    ? [SHORT_NOTES[o.morph ?? "residual"], ...(o.secondTemplate ? [SECOND_NOTE] : [])]
    : [];
  notes.forEach((note, k) =>
    out.push(
      `<text class="input-note" x="20" y="${H - 10 - 16 * (notes.length - 1 - k)}" ${FONT} font-size="11" fill="#333">${esc(note)}</text>`,
    ),
  );
  const row = (items: GalleryItem[], y: number, label: string) => {
    out.push(
      `<text x="20" y="${y - 8}" ${FONT} font-size="13" font-weight="bold" fill="#111">${esc(label)}</text>`,
    );
    if (items.length === 0)
      out.push(`<text x="30" y="${y + 30}" ${FONT} font-size="12" fill="#777">none in the test part</text>`);
    items.forEach((it, k) => {
      const x0 = 30 + k * cw;
      const L = it.explanation.attribution.length;
      const sig = x.subarray(it.index * L, (it.index + 1) * L);
      out.push(
        beatPanel(
          {
            title: "",
            method,
            className: classes[it.predicted],
            classes,
            probs: it.probs,
            signal: sig,
            fs: o.fs,
            rIndex: o.rIndex,
            attribution: it.explanation.attribution,
            other: [],
            template: o.templateOf?.(it.index),
          },
          { x: x0, y: y + 12, w: cw - 30, h: ch - 40 },
          true,
        ),
        `<text class="caption" x="${x0}" y="${y + ch - 8}" ${FONT} font-size="10" fill="#222">${esc(
          `${it.record} @ ${it.sample}: ${classes[it.truth]} → ${classes[it.predicted]} ${(100 * it.probs[it.predicted]).toFixed(1)} %` +
            (o.secondTemplate?.has(it.index) ? " · 2nd" : ""),
        )}</text>`,
      );
    });
  };
  row(g.correct, 80, "correctly classified");
  row(g.wrong, 80 + ch + 40, "wrongly classified (explained: the class predicted)");
  out.push(`</svg>`);
  return out.join("\n");
}
