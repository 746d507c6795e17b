import type { Command } from "commander";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Explainer, PartInputs } from "../../explain/index.js";
import { writeFileAtomic } from "../../wfdb/index.js";
import { UserError } from "../errors.js";
import { action } from "../run.js";
import { datasetFromCli } from "./dataset.js";
import { DEFAULT_MODEL } from "./explain.js";

interface GalleryCliOptions {
  model: string;
  out: string;
  method: string;
  per: string;
  seed: string;
  threads: string;
}

async function run(o: GalleryCliOptions, dataDirOption: string | undefined): Promise<void> {
  const X = await import("../../explain/index.js");
  if (!(X.METHODS as readonly string[]).includes(o.method))
    throw new UserError(`unknown method "${o.method}" (use ${X.METHODS.join(", ")})`);
  const method = o.method as (typeof X.METHODS)[number];
  const per = Number(o.per);
  if (!Number.isInteger(per) || per < 1 || per > 12)
    throw new UserError(`--per must be an integer in 1..12, not "${o.per}"`);
  const seed = Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new UserError(`--seed must be a non-negative integer, not "${o.seed}"`);
  const { loadBundle } = await import("../../model/bundle.js");
  const { svgToPng } = await import("../../model/confusion-chart.js");
  const bundle = await loadBundle(o.model).catch((err: Error) => {
    throw new UserError(err.message);
  });
  const meta = bundle.meta;
  const { dataset } = await datasetFromCli(
    { scheme: meta.scheme, split: meta.training.split, lead: meta.lead, window: meta.window },
    dataDirOption,
  );
  const part = X.partInputs(meta, dataset, "test");
  const { decideProbs } = await import("../../model/decide.js");
  const e = await X.bundleExplainer(bundle, { threads: Number(o.threads) || 1 });
  try {
    // a model with a second template: the beats classify reads against their record's second template are
    // explained (and drawn) against it; the net runs once over the part, then again on those beats only
    const first = meta.secondTemplate ? await netProbs(e, part) : undefined;
    const test = first
      ? X.withSecondTemplates(meta, part, Float32Array.from(first))
      : { ...part, decision: {}, moved: new Set<number>() };
    const net = first && (await withMovedRows(e, test, first));
    const background = method === "shap" ? X.trainingBackground(meta, dataset, 50, seed) : undefined;
    const extra = meta.extraFeatures.length ? test.extra : undefined;
    const morph = meta.morph === "pair" ? "pair" : "residual";
    const note = X.inputNote(morph);
    const gallery = await X.buildGallery(
      e,
      {
        ...{
          x: test.x,
          extra,
          y: test.y,
          record: test.record,
          sample: test.sample,
          templateOf: test.templateOf,
          ...(net && { net }),
        },
        // classify's classes: after the model's morph smoothing, rhythm guard and QRS veto, if it has them
        ...((meta.rhythmGuard || meta.morphSmoothing || meta.qrsVeto) && {
          decide: (p: Float64Array) => {
            const beats = { rr: test.rr, windows: test.window, record: test.record, ...test.decision };
            return Float64Array.from(decideProbs(meta, Float32Array.from(p), beats).probs);
          },
        }),
      },
      method,
      {
        per,
        seed,
        background,
        extraBaseline: X.neutralExtra(meta),
      },
    );
    await mkdir(o.out, { recursive: true });
    const lines = [
      `# Explanation gallery: ${meta.name}`,
      "",
      `${X.METHOD_TITLES[method]} of the ${X.scoreName("predicted class's", e.testTimeShifts)}, ${meta.scheme} scheme, ${meta.training.split} split, test part ` +
        `(${test.y.length} beats). Each class: up to ${per} correctly and ${per} wrongly classified beats drawn with seed ${seed}.`,
      "",
      ...(test.templateOf ? [`${note[0].toUpperCase()}${note.slice(1)}.`, ""] : []),
      ...(meta.secondTemplate
        ? [
            `${test.moved.size} of the ${test.y.length} beats were read, as classify reads them, against their record's ` +
              "second template (the median beat of a second normal QRS shape, model.json secondTemplate); their " +
              "panels draw and explain them against it.",
            "",
          ]
        : []),
    ];
    for (const g of gallery) {
      const name = meta.classes[g.classIndex];
      const svg = X.gallerySvg(g, meta.classes, method, test.window, {
        fs: meta.fs,
        rIndex: meta.window.before,
        model: meta.name,
        templateOf: test.templateOf,
        morph,
        testTimeShifts: e.testTimeShifts,
        ...(meta.secondTemplate && { secondTemplate: test.moved }),
      });
      const file = `class-${name.replace(/[^A-Za-z0-9]/g, "_")}`;
      await writeFileAtomic(join(o.out, `${file}.svg`), svg);
      await writeFileAtomic(join(o.out, `${file}.png`), await svgToPng(svg, 1));
      lines.push(`## ${name}: ${g.right} of ${g.total} correct`, "", `![class ${name}](${file}.png)`, "");
    }
    await writeFileAtomic(join(o.out, "README.md"), lines.join("\n"));
    process.stdout.write(`wrote ${gallery.length} class grids to ${o.out}\n`);
  } finally {
    await e.release();
  }
}

/** The net's probabilities of every beat of a part (the first pass of a second-template model), or of the beats
 * `rows` only. */
async function netProbs(e: Explainer, p: PartInputs, rows?: readonly number[]): Promise<Float64Array> {
  if (!rows) {
    const extra = p.extra.length ? p.extra : undefined;
    return e.probs(p.x, extra, e.pair ? Array.from(p.y, (_, i) => p.templateOf!(i)) : undefined);
  }
  const { gatherRows } = await import("../../model/batches.js");
  const [L, F] = [p.x.length / p.y.length, p.extra.length / p.y.length];
  const x = gatherRows(p.x, L, rows);
  const extra = F > 0 ? gatherRows(p.extra, F, rows) : undefined;
  return e.probs(x, extra, e.pair ? rows.map((i) => p.templateOf!(i)) : undefined);
}

/** `first` (the net's probabilities of the part before the second templates) with the moved beats' rows
 * predicted again against their second template. */
async function withMovedRows(
  e: Explainer,
  p: PartInputs & { moved: ReadonlySet<number> },
  first: Float64Array,
): Promise<Float64Array> {
  const rows = [...p.moved];
  if (rows.length === 0) return first;
  const { withRowsReplaced } = await import("../../model/batches.js");
  return withRowsReplaced(first, first.length / p.y.length, rows, await netProbs(e, p, rows));
}

export function register(program: Command): void {
  program
    .command("gallery")
    .description(
      "for each class, a grid of correctly and wrongly classified test beats with their explanations",
    )
    .requiredOption("--out <dir>", "directory for the grids (SVG and PNG) and a README.md")
    .option("--model <dir>", "model directory", DEFAULT_MODEL)
    .option("--method <method>", "gradcam | guided-gradcam | shap | ig | occlusion", "ig")
    .option("--per <n>", "beats per row", "4")
    .option("--seed <n>", "seed of the beat draw (and of the SHAP background)", "0")
    .option("--threads <n>", "onnxruntime threads", "1")
    .action(
      action(async (o: GalleryCliOptions) => {
        await run(o, program.opts().dataDir as string | undefined);
      }),
    );
}
