import type { Command } from "commander";
import { existsSync } from "node:fs";
import { extname } from "node:path";
import type { ModelBundle } from "../../model/bundle.js";
import type { ClassifiedBeat } from "../../model/classify.js";
import type { RecordBeat } from "../../explain/index.js";
import { resolveRecord, writeFileAtomic } from "../../wfdb/index.js";
import { UserError } from "../errors.js";
import { action, printJson } from "../run.js";
import { warnLeadFallback } from "../lead-notes.js";
import { RR_FEATURES } from "../../beats/rr.js";
import { datasetFromCli } from "./dataset.js";

export interface ExplainCliOptions {
  beat: string;
  method: string;
  class?: string;
  model: string;
  out?: string;
  json?: boolean;
  background: string;
  seed: string;
  shapFloor: string;
  threads: string;
}

export const DEFAULT_MODEL = "models/v1-paper-intra";

function natural(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new UserError(`${what} must be a non-negative integer, not "${v}"`);
  return n;
}

/** --shap-floor: a number in [0, 1] (ShapOptions.floor). */
function shapFloor(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new UserError(`--shap-floor must be a number from 0 to 1, not "${v}"`);
  return n;
}

/** Checks what can be checked before anything is loaded. */
export function checkOptions(o: ExplainCliOptions, methods: readonly string[]): void {
  if (!methods.includes(o.method))
    throw new UserError(`unknown method "${o.method}" (use ${methods.join(", ")})`);
  natural(o.beat, "--beat");
  if (o.out !== undefined && ![".svg", ".png"].includes(extname(o.out).toLowerCase()))
    throw new UserError(`--out must name a .svg or .png file, not "${o.out}"`);
  if (natural(o.background, "--background") < 1) throw new UserError("--background must be at least 1");
  natural(o.seed, "--seed");
  shapFloor(o.shapFloor);
  if (natural(o.threads, "--threads") < 1) throw new UserError("--threads must be at least 1");
}

async function run(record: string, o: ExplainCliOptions, dataDirOption: string | undefined): Promise<void> {
  const X = await import("../../explain/index.js");
  checkOptions(o, X.METHODS);
  const method = o.method as (typeof X.METHODS)[number];
  const { loadBundle } = await import("../../model/bundle.js");
  const { svgToPng } = await import("../../model/confusion-chart.js");
  const bundle = await loadBundle(o.model).catch((err: Error) => {
    throw new UserError(err.message);
  });
  const meta = bundle.meta;
  if (o.class !== undefined && !meta.classes.includes(o.class))
    throw new UserError(`unknown class "${o.class}" (the model's classes: ${meta.classes.join(", ")})`);
  const path = resolveRecord(record, dataDirOption);
  const spec = X.inputSpecOf(meta);
  const userError = (err: Error) => {
    throw new UserError(err.message);
  };
  let beat = await X.beatFromRecord(path, Number(o.beat), spec).catch(userError);
  warnLeadFallback(beat.lead, record);
  const e = await X.bundleExplainer(bundle, { threads: Number(o.threads) });
  try {
    // classify's decision of the beat among the record's, when the model's needs them; a beat it classified
    // against the record's second template is explained against that template too
    const decided = await recordDecision(bundle, path, beat, Number(o.threads));
    const second = decided?.secondTemplate !== undefined;
    if (decided?.secondTemplate)
      beat = await X.beatFromRecord(path, beat.sample, spec, { template: decided.secondTemplate }).catch(
        userError,
      );
    const beats = X.beatRows(meta, beat);
    // classify's probabilities (with the model's test-time shifts, morph smoothing and rhythm guard): the
    // predicted class is the one explained (its net logit)
    const net = Array.from(await e.probs(beats.x, beats.extra, beats.template));
    const { probs, matches, vetoedFrom } = decided ?? { probs: await guardedProbs(meta, beat, net) };
    const predicted = probs.indexOf(Math.max(...probs));
    const cls = o.class !== undefined ? meta.classes.indexOf(o.class) : predicted;
    let background;
    if (method === "shap") {
      const { dataset } = await datasetFromCli(
        { scheme: meta.scheme, split: meta.training.split, lead: meta.lead, window: meta.window },
        dataDirOption,
      );
      background = X.trainingBackground(meta, dataset, Number(o.background), Number(o.seed));
    }
    const extraBaseline = X.neutralExtra(meta);
    const [a] = await X.explainBeats(e, beats, Int32Array.of(cls), method, {
      background,
      extraBaseline,
      shap: { floor: shapFloor(o.shapFloor) },
    });
    const n = beat.window[1] - beat.window[0];
    const attribution = X.toRecordRate(a.attribution, meta.fs, beat.fs, n);
    const otherInputs = Object.fromEntries(meta.extraFeatures.map((name, k) => [name, a.other[k]]));
    if (o.out) {
      const svg = X.explanationSvg({
        title: `${record} · beat at sample ${beat.sample} · reference ${beat.label ?? beat.symbol ?? "none (detected beat)"}`,
        method,
        className: meta.classes[cls],
        classes: meta.classes,
        probs,
        signal: beat.signal,
        fs: beat.fs,
        rIndex: beat.sample - beat.window[0],
        attribution,
        other: meta.extraFeatures.map((name, k) => ({ name, value: a.other[k] })),
        template: beat.templateSignal,
        morph: meta.morph === "pair" ? "pair" : "residual",
        secondTemplate: second,
        testTimeShifts: e.testTimeShifts,
      });
      const png = extname(o.out).toLowerCase() === ".png";
      await writeFileAtomic(o.out, png ? await svgToPng(svg, 1.5) : svg);
    }
    if (o.json) {
      printJson({
        sample: beat.sample,
        lead: beat.lead,
        label: beat.label,
        probs: Object.fromEntries(meta.classes.map((c, k) => [c, probs[k]])),
        method,
        class: meta.classes[cls],
        quantity: "logit",
        window: beat.window,
        attribution: Array.from(attribution),
        otherInputs,
        output: a.output,
        baselineOutput: a.baselineOutput,
        // A residual model: the attribution is over the beat minus `template` (mV, over `window`); a pair
        // model: over the beat, which it reads as it is and minus `template`.
        ...(beat.templateSignal && { morph: meta.morph, template: Array.from(beat.templateSignal) }),
        // a model with a second template: the beat was classified, and is explained, against the record's
        // second normal QRS shape (`template` is then that shape's median beat)
        ...(second && { secondTemplate: true }),
        // a model with test-time shifts: output and the attributions are of the class logit averaged over the
        // input shifted by each of these samples; probs and class are classify's
        ...(e.testTimeShifts && { testTimeShifts: e.testTimeShifts }),
        // a model with morph smoothing: probs and class are after it, over the record's beats (netProbs: the
        // net's own, which the attributions explain)
        ...(meta.morphSmoothing && { morphSmoothing: meta.morphSmoothing, netProbs: net }),
        // a model with a rhythm guard: probs and class are after it (the attributions stay the net's logit)
        ...(meta.rhythmGuard && {
          rhythmGuard: {
            ...meta.rhythmGuard,
            rhythmIrregularity: beat.rr[RR_FEATURES.indexOf("rhythmIrregularity")],
            // what a guard reading the RR intervals' entropy (searches 30, 39) read of this beat
            ...((meta.rhythmGuard.entropyAbove ?? meta.rhythmGuard.atrialEntropyAbove) !== undefined && {
              rhythmEntropy: beat.rr[RR_FEATURES.indexOf("rhythmEntropy")],
            }),
          },
        }),
        // a model with a QRS veto: probs and class are after it (vetoedFrom: the class it ruled out)
        ...(meta.qrsVeto && { qrsVeto: meta.qrsVeto, ...(vetoedFrom && { vetoedFrom }) }),
        // what the guard and veto read of this beat among the record's (qrsMatch, pMatch, atrialConsistency)
        ...(matches && { matches }),
      });
    } else {
      const w = X.beatWindows(beat.fs, beat.sample - beat.window[0], n);
      const s = X.massShares(attribution, a.other, w);
      const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
      const lines = [
        `beat at sample ${beat.sample} (reference ${beat.label ?? beat.symbol ?? "none"}): predicted ${meta.classes[predicted]}, ` +
          meta.classes.map((c, k) => `${c} ${pct(probs[k])}`).join(", "),
        `${X.METHOD_TITLES[method]} of the ${X.scoreName(meta.classes[cls], e.testTimeShifts)} (${a.output.toFixed(3)}` +
          (a.baselineOutput === null ? ")" : `, baseline ${a.baselineOutput.toFixed(3)})`),
        `|attribution| in QRS ${pct(s.qrs)}, T wave ${pct(s.t)}, elsewhere ${pct(s.rest)}, RR inputs ${pct(s.rr)}`,
      ];
      if (meta.morphSmoothing)
        lines.push(
          `after morph smoothing over the record's beats most alike in QRS shape; the net alone: ` +
            meta.classes.map((c, k) => `${c} ${pct(net[k])}`).join(", "),
        );
      if (beat.templateSignal) lines.push(X.inputNote(meta.morph === "pair" ? "pair" : "residual", second));
      if (o.out) lines.push(`wrote ${o.out}`);
      process.stdout.write(lines.join("\n") + "\n");
    }
  } finally {
    await e.release();
  }
}

/** The net's probabilities `net` of the beat after the model's rhythm guard (a model without recordDecision). */
async function guardedProbs(meta: ModelBundle["meta"], beat: RecordBeat, net: number[]): Promise<number[]> {
  const { guardProbs } = await import("../../model/rhythm-guard.js");
  const guard = meta.rhythmGuard;
  return Array.from(guard ? guardProbs(Float32Array.from(net), meta.classes, beat.rr, guard) : net);
}

/**
 * The beat's probabilities as classify gives them, for a model with morph smoothing, a guard that reads windows,
 * a QRS veto or a second template, which need the record's other beats: the record is classified (its .atr
 * beats, else our detector's, as beatFromRecord takes them) and the beat's row taken, with what the guard and
 * veto read of it, the class the veto ruled out, and the record's second template if the beat was read
 * against it. Undefined for another model (guardedProbs of its net probabilities).
 */
async function recordDecision(
  bundle: ModelBundle,
  path: string,
  beat: RecordBeat,
  threads: number,
): Promise<
  | {
      probs: number[];
      matches?: ClassifiedBeat["matches"];
      vetoedFrom?: string;
      secondTemplate?: Float32Array;
    }
  | undefined
> {
  const { meta } = bundle;
  const { decisionReadsWindows } = await import("../../model/decide.js");
  if (!meta.morphSmoothing && !decisionReadsWindows(meta) && !meta.secondTemplate) return undefined;
  const { openClassifier } = await import("../../model/classify.js");
  const { analyzeRecord } = await import("../../analyze/analyze.js");
  const c = await openClassifier(bundle, { threads });
  try {
    const a = await analyzeRecord(path, c, { beats: existsSync(`${path}.atr`) ? "atr" : "detect" });
    const row = a.beats.find((b) => b.sample === beat.sample);
    if (!row)
      throw new Error(
        `internal: the beat at sample ${beat.sample} is not among the record's classified beats`,
      );
    if (row.secondTemplate && !a.secondTemplate)
      throw new Error("internal: a second-template beat without one");
    return {
      probs: meta.classes.map((k) => row.probs[k]),
      ...(row.matches && { matches: row.matches }),
      ...(row.vetoedFrom && { vetoedFrom: row.vetoedFrom }),
      ...(row.secondTemplate && { secondTemplate: a.secondTemplate }),
    };
  } finally {
    await c.release();
  }
}

export function register(program: Command): void {
  program
    .command("explain <record>")
    .description(
      "explain one beat's classification: attributions over its waveform and RR inputs, as JSON or a picture",
    )
    .requiredOption(
      "--beat <sample>",
      "R-peak sample at the record's rate (the nearest beat within 150 ms is used)",
    )
    .requiredOption("--method <method>", "gradcam | guided-gradcam | shap | ig | occlusion")
    .option("--class <C>", "class to explain (default: the predicted one)")
    .option("--model <dir>", "model directory", DEFAULT_MODEL)
    .option("--out <file>", "write the picture to FILE.svg or FILE.png")
    .option("--json", "print the explanation as one JSON line")
    .option("--background <n>", "shap: training beats in the background", "50")
    .option("--seed <n>", "shap: seed of the background draw", "0")
    .option(
      "--shap-floor <x>",
      "shap: stop refining at 3 % of max(|Δ|, x × the paths' mean |logit change|) instead of 3 % of |Δ| " +
        "(0 = issue 7's completeness; e.g. 0.1: much faster on a beat whose logit is near the background mean, " +
        "but its attributions may then sum to Δ only within far more than 15 %)",
      "0",
    )
    .option("--threads <n>", "onnxruntime threads", "1")
    .action(
      action(async (record: string, o: ExplainCliOptions) => {
        await run(record, o, program.opts().dataDir as string | undefined);
      }),
    );
}
