import type { Command } from "commander";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { UserError } from "../errors.js";
import { action, commandLine, printJson } from "../run.js";
import { datasetFromCli } from "./dataset.js";
import { leadTwin } from "../../beats/index.js";
import { shiftsError, symmetricShifts } from "../../model/shifts.js";
import { inputColumns, type RRAverage } from "../../model/batches.js";
import { ARCHS, isArch } from "../../model/arrhythminet.js";
import { rhythmGuardError, type RhythmGuard } from "../../model/rhythm-guard.js";
import { morphSmoothingError, type MorphSmoothing } from "../../model/morph-smoothing.js";
import { qrsVetoError, type QrsVeto, type UnusualQrs } from "../../model/qrs-veto.js";
import { SECOND_TEMPLATE } from "../../model/second-template.js";
import {
  DEFAULT_WINDOW,
  SCHEMES,
  isSchemeName,
  windowLength,
  type MorphInput,
  type WindowSpec,
} from "../../beats/index.js";

/** --augment: the waveform augmentation of src/model/augment.ts at these strengths. */
const AUGMENT_ON = { warp: 0.1, wander: 0.3, noise: 0.05 } as const;
const NO_AUGMENT = { warp: 0, wander: 0, noise: 0 } as const;

interface TrainCli {
  valRecords?: string;
  arch: string;
  scheme: string;
  split: string;
  epochs: string;
  seed: string;
  out?: string;
  runDir?: string;
  resume?: boolean;
  batchSize: string;
  lr: string;
  balance: string;
  rr?: boolean;
  irregularity?: boolean;
  rrAverage: string;
  augment?: boolean | string;
  prematureSwap: string;
  afRhythm: string;
  oversampleRatio: string;
  oversampleCap?: string;
  oversampleRecordPower?: string;
  hideTest?: boolean;
  weightPower?: string;
  weightDecay: string;
  dropout: string;
  threads: string;
  json?: boolean;
  cache?: boolean;
  morph: string;
  chooseMinSupport?: string;
  keepEpochs?: boolean;
  lastEpoch?: boolean;
  averageFrom?: string;
  shiftAverage?: string;
  rhythmGuard?: string;
  morphSmoothing?: string;
  qrsVeto?: string;
  secondTemplate?: boolean;
  secondTemplateInTraining?: boolean;
  unusualQrs?: string;
  teachers?: string;
  distill: string;
  mixup?: string;
  focalGamma?: string;
  virtualPatient: string;
  fusionSynth: string;
  otherLead: string;
  window?: string;
}

const int = (name: string, v: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new UserError(`${name} must be an integer >= ${min}, not "${v}"`);
  return n;
};

export function register(program: Command): void {
  program
    .command("train")
    .description(
      "train ArrhythmiNet on a beat dataset; best epoch by validation macro-F1, checkpoint every epoch",
    )
    .requiredOption(
      "--arch <arch>",
      "v1, v2, v1m, v2m (V1/V2 with mixing units: docs/RESULTS.md searches 9-10) v1h (half of V1's budget: an ensemble member, search 62) or v1k (V1M with kernels of 11, search 64)",
    )
    .requiredOption("--scheme <scheme>", "label scheme: paper or aami")
    .requiredOption("--split <split>", "intra or inter")
    .option("--epochs <n>", "epochs", "10")
    .option("--seed <n>", "seed of initialisation, oversampling and shuffling", "1")
    .option("--out <dir>", "model directory written at the end (default: models/<arch>-<scheme>-<split>)")
    .option("--run-dir <dir>", "checkpoints and charts (default: runs/<name of --out>)")
    .option("--resume", "continue from <run-dir>/last.ckpt after its last finished epoch")
    .option("--batch-size <n>", "batch size", "128")
    .option("--lr <x>", "peak learning rate of the one-cycle schedule", "3e-3")
    .option(
      "--balance <how>",
      "oversample (the paper's), weights (class-weighted loss) or none",
      "oversample",
    )
    .option("--rr", "feed the per-patient RR ratios to the net's extra pathway")
    .option("--irregularity", "with --rr: also the local RR irregularity (atrial fibrillation)")
    .option(
      "--rr-average <record|region>",
      "with --rr: the slow RR average of the ratios: the whole record's mean, or the mean over +-5 min around the beat (de Chazal 2004)",
      "record",
    )
    .option(
      "--augment [scale]",
      "augment training windows: time warp 10 %, baseline wander, noise (src/model/augment.ts), each x scale (default 1)",
    )
    .option(
      "--premature-swap <p>",
      "probability that a training S (aami) / A (paper) beat gets a normal beat's waveform of its record",
      "0",
    )
    .option(
      "--af-rhythm <p>",
      "with --rr: probability that a training normal beat gets the RR inputs of a simulated atrial fibrillation",
      "0",
    )
    .option(
      "--virtual-patient <p>",
      "probability that a training beat and its record's template get one random linear change of shape (time scale " +
        "+-15 %, derivative mix +-0.3): the patient's morphology varies, the beat's relation to its template is kept",
      "0",
    )
    .option(
      "--other-lead <p>",
      "probability that a training beat is shown at its record's signal 1 instead (mitdb: V1, V2, V4 or V5; record " +
        "114's signal 1 is MLII itself), beside that signal's own template; labels and RR inputs unchanged",
      "0",
    )
    .option(
      "--fusion-synth <p[,lo,hi]>",
      "aami: probability that a training F beat becomes a synthetic fusion beat, a blend of a random N and V beat " +
        "of a training record with both (the N beat's weight in [lo, hi], default 0.3,0.7), with the N beat's RR " +
        "inputs and that record's template",
      "0",
    )
    .option(
      "--mixup <alpha>",
      "mix each training beat with another of its batch, inputs and targets, by a Beta(alpha, alpha) weight (Zhang et al. 2018)",
    )
    .option(
      "--oversample-ratio <r>",
      "oversampling target of each minority class, x the majority count",
      "0.25",
    )
    .option(
      "--oversample-cap <caps>",
      "per-class oversampling caps, x the class's own count, e.g. F=2,Q=1 (default: none)",
    )
    .option(
      "--oversample-record-power <p>",
      "record-tempered oversampling: a record's extra copies of a class ~ its count of the class^p (0..1; default: uniform)",
    )
    .option("--weight-power <p>", "with --balance weights: temper the class weights, weight^p (0..1)")
    .option(
      "--morph <how>",
      "net input: none (the beat) or residual (the beat minus its record's median beat)",
      "none",
    )
    .option(
      "--choose-min-support <n>",
      "choose the epoch by the mean validation F1 of classes with >= n validation beats (default: all classes)",
    )
    .option(
      "--val-records <list>",
      "inter: the DS1 records held out for validation, comma-separated; none: train on all of DS1 (needs --last-epoch or --average-from)",
    )
    .option("--last-epoch", "keep the last epoch (a fixed schedule) instead of the best on validation")
    .option(
      "--average-from <epoch>",
      "the model is the average of the weights of epochs <epoch>..last (SWA; BN statistics re-estimated)",
    )
    .option(
      "--shift-average <samples>",
      "score and ship the model with test-time shifts: probabilities averaged over the input moved by -d, 0, +d samples",
    )
    .option(
      "--rhythm-guard <class,threshold,logOffset>",
      "score and ship the model with a rhythm guard: the class ruled out where rhythmIrregularity >= threshold (and, given atrialBelow or qrsBelow, atrialConsistency over atrialLags lags < atrialBelow or qrsMatch < qrsBelow), and wherever rhythmEntropy >= entropyAbove if given; where the evidence is atrial fibrillation's (entropy, no consistent P wave) its probability goes to giveTo if given; the atrialBelow condition only where rhythmEntropy >= atrialEntropyAbove too, if given; log-prior offset elsewhere (e.g. S,0.13,0.5, S,0.13,0.5,0.7,3,0.95, S,0.13,0.5,0.7,3,0.95,-0.75,N or S,0.13,0.5,0.7,3,0.95,-0.75,N,-1.5)",
    )
    .option(
      "--morph-smoothing <classes:lambda:k[:keepAbove]>",
      "score and ship the model with morph smoothing (before the rhythm guard): each beat's split among these classes pulled by lambda towards the mean split of the k beats of its record most alike in QRS shape; a beat whose own split gives its top class >= keepAbove is left as it is (e.g. N,V,F:0.75:20:0.999)",
    )
    .option(
      "--qrs-veto <classes:above[:pClasses:pAbove[:afAbove]]>",
      "score and ship the model with a QRS veto (after the rhythm guard): these classes ruled out on beats whose QRS correlates >= above with the record's median beat's (>= afAbove on beats the guard flags as atrial fibrillation); pClasses too where, besides, the P wave correlates >= pAbove with the median beat's (e.g. V,F:0.95:S:0.9 or V,F:0.95:S:0.9:0.85)",
    )
    .option(
      "--unusual-qrs <from:to:below>",
      "with --qrs-veto: a beat still called one of these classes after the veto whose QRS correlates < below with the record's median beat's gives their probability to class `to` (beats read against a second template left alone; e.g. S:V:0.9)",
    )
    .option(
      "--second-template",
      "ship the model with a second template (a residual or pair model; after training, not scored by it): where a record's beats called N have a second QRS shape (correlation < 0.95 with the median beat, >= max(20, 10 %) of them), beats of that shape are shown to the net against the median of those beats",
    )
    .option(
      "--second-template-in-training",
      "train as --second-template infers: a training record whose beats labelled N have a second QRS shape (the same rule) shows its beats of that shape to the net against the median of those beats",
    )
    .option(
      "--teachers <dirs>",
      "knowledge distillation: comma-separated model directories (same --rr/--morph inputs) whose mean probabilities on each training batch join the labels",
    )
    .option(
      "--distill <alpha>",
      "with --teachers: weight of the teachers' probabilities in the targets",
      "0.5",
    )
    .option(
      "--window <before,after>",
      "the beat window: samples (360 Hz) before the R peak and from it to the window's end (default: 90,166)",
    )
    .option("--keep-epochs", "also keep every epoch's weights (<run-dir>/epoch-<n>.ckpt)")
    .option("--hide-test", "do not print test-part figures (choose settings on validation only)")
    .option("--weight-decay <x>", "AdamW weight decay", "1e-4")
    .option("--dropout <p>", "dropout on the features before the classifier (training only)", "0")
    .option(
      "--focal-gamma <g>",
      "train with the focal loss (Lin et al. 2017), (1 - p)^g x the cross-entropy, g >= 1, instead of the cross-entropy",
    )
    .option("--threads <n>", "onnxruntime threads", "2")
    .option("--no-cache", "do not use the beat cache")
    .option("--json", "print model.json and the validation and test metrics on stdout at the end")
    .action(
      action(async (o: TrainCli) => {
        const arch = o.arch;
        if (!isArch(arch))
          throw new UserError(`--arch must be ${Object.keys(ARCHS).join(", ")}, not "${arch}"`);
        if (!["oversample", "weights", "none"].includes(o.balance))
          throw new UserError(`--balance must be oversample, weights or none, not "${o.balance}"`);
        const lr = Number(o.lr);
        if (!(lr > 0 && lr < 1)) throw new UserError(`--lr must be a number in (0, 1), not "${o.lr}"`);
        const num = (name: string, v: string, lo: number, hi: number) => {
          const x = Number(v);
          if (!(x >= lo && x <= hi))
            throw new UserError(`${name} must be a number in [${lo}, ${hi}], not "${v}"`);
          return x;
        };
        const out = o.out ?? join("models", `${arch}-${o.scheme}-${o.split}`);
        const runDir = o.runDir ?? join("runs", basename(out));
        if (!o.resume && existsSync(join(runDir, "last.ckpt")))
          throw new UserError(
            `${runDir} already holds a training run: add --resume, or choose another --run-dir`,
          );
        const config = {
          arch,
          epochs: int("--epochs", o.epochs, 1),
          seed: int("--seed", o.seed, 0),
          batchSize: int("--batch-size", o.batchSize, 1),
          maxLr: lr,
          weightDecay: num("--weight-decay", o.weightDecay, 0, 1),
          balance: o.balance as "oversample" | "weights" | "none",
          oversampleRatio: num("--oversample-ratio", o.oversampleRatio, 0, 1),
          ...(o.oversampleCap === undefined ? {} : { oversampleCap: parseCaps(o.oversampleCap) }),
          ...(o.oversampleRecordPower === undefined
            ? {}
            : { oversampleRecordPower: num("--oversample-record-power", o.oversampleRecordPower, 0, 1) }),
          ...(o.weightPower === undefined ? {} : { weightPower: num("--weight-power", o.weightPower, 0, 1) }),
          rr: o.rr === true,
          ...(o.irregularity ? { irregularity: true } : {}),
          ...(rrAverageOption(o.rrAverage) === "region" ? { rrAverage: "region" as const } : {}),
          augment: {
            ...augmentOption(o.augment),
            prematureSwap: num("--premature-swap", o.prematureSwap, 0, 1),
            ...(Number(o.afRhythm) > 0 ? { afRhythm: num("--af-rhythm", o.afRhythm, 0, 1) } : {}),
            ...(o.virtualPatient !== "0"
              ? { virtualPatient: num("--virtual-patient", o.virtualPatient, 0, 1) }
              : {}),
            ...fusionOption(o.fusionSynth),
            ...(o.otherLead !== "0" ? { otherLead: num("--other-lead", o.otherLead, 0, 1) } : {}),
          },
          ...(o.mixup === undefined ? {} : { mixup: num("--mixup", o.mixup, 1e-3, 100) }),
          dropout: num("--dropout", o.dropout, 0, 0.9),
          ...(o.focalGamma === undefined ? {} : { focalGamma: num("--focal-gamma", o.focalGamma, 1, 5) }),
          threads: int("--threads", o.threads, 1),
          ...(o.morph === "none" ? {} : { morph: morphMode(o.morph) }),
          ...(o.window === undefined ? {} : { window: windowOption(o.window) }),
          ...(o.keepEpochs ? { keepEpochs: true } : {}),
          ...(o.teachers === undefined
            ? {}
            : { distill: { teachers: teacherList(o.teachers), alpha: num("--distill", o.distill, 0, 1) } }),
          ...(o.lastEpoch ? { lastEpoch: true } : {}),
          ...(o.shiftAverage === undefined
            ? {}
            : { testTimeShifts: symmetricShifts(int("--shift-average", o.shiftAverage, 1)) }),
          ...(o.rhythmGuard === undefined ? {} : { rhythmGuard: rhythmGuardOption(o.rhythmGuard, o.scheme) }),
          ...(o.morphSmoothing === undefined
            ? {}
            : {
                morphSmoothing: morphSmoothingOption(
                  o.morphSmoothing,
                  o.scheme,
                  o.window === undefined ? DEFAULT_WINDOW : windowOption(o.window),
                ),
              }),
          ...(o.qrsVeto === undefined ? {} : { qrsVeto: qrsVetoOption(o.qrsVeto, o.scheme, o.unusualQrs) }),
          ...(o.secondTemplate ? { secondTemplate: SECOND_TEMPLATE } : {}),
          ...(o.secondTemplateInTraining ? { secondTemplateInTraining: true } : {}),
          ...(o.averageFrom === undefined ? {} : { averageFrom: int("--average-from", o.averageFrom, 1) }),
          ...(o.chooseMinSupport === undefined
            ? {}
            : { chooseMinSupport: int("--choose-min-support", o.chooseMinSupport, 0) }),
        } as const;
        if (config.mixup !== undefined && config.distill)
          throw new UserError("--mixup and --teachers do not combine (both set the training targets)");
        if (o.unusualQrs !== undefined && o.qrsVeto === undefined)
          throw new UserError("--unusual-qrs needs --qrs-veto (it reads the veto's QRS match)");
        if ((config.secondTemplate || config.secondTemplateInTraining) && (config.morph ?? "none") === "none")
          throw new UserError(
            "--second-template and --second-template-in-training need --morph residual or pair (the net reads a template)",
          );
        if (config.averageFrom !== undefined && config.averageFrom > config.epochs)
          throw new UserError(
            `--average-from ${config.averageFrom} is after the last epoch (${config.epochs})`,
          );
        const badShifts =
          config.testTimeShifts &&
          shiftsError(config.testTimeShifts, windowLength(config.window ?? DEFAULT_WINDOW));
        if (badShifts) throw new UserError(`--shift-average: the shifts ${badShifts}`);
        const fixed = config.lastEpoch || config.averageFrom !== undefined;
        if (o.valRecords?.trim() === "none" && !fixed)
          throw new UserError(
            "--val-records none leaves no validation part to choose the epoch by: add --last-epoch or --average-from",
          );
        if (config.distill) await checkTeachersCli(config, o.scheme);
        const { dataset: data } = await datasetFromCli(
          { ...o, window: config.window },
          program.opts().dataDir,
        );
        const dataset = config.augment.otherLead
          ? {
              ...data,
              leadTwin: leadTwin(
                data.parts.train,
                (await datasetFromCli({ ...o, window: config.window, lead: 1 }, program.opts().dataDir))
                  .dataset,
              ),
            }
          : data;
        await mkdir(runDir, { recursive: true });
        // Heavy: onnxruntime is loaded only here.
        const { train } = await import("../../model/train.js");
        const { writeModelDir } = await import("../../model/model-dir.js");
        const bar = await progressBar(config.epochs);
        const { trainer, state } = await train(dataset, config, runDir, {
          resume: o.resume,
          events: {
            onStep: (p) => bar.step(p),
            onEpoch: (log, best) => bar.epoch(log, best && !fixed),
          },
        });
        bar.stop();
        if (state.best === null) throw new UserError("no epoch was trained");
        const fin = await writeModelDir(out, runDir, trainer, dataset, state, commandLine());
        await trainer.release();
        if (o.json) return printJson(o.hideTest ? { out, runDir, val: fin.val } : { out, runDir, ...fin });
        const pct = (v: number) => (100 * v).toFixed(2) + " %";
        const figures = (what: string, m: { accuracy: number; macroF1: number } | null) =>
          m ? `${what} accuracy ${pct(m.accuracy)}, macro-F1 ${pct(m.macroF1)}` : `no ${what} part`;
        const testText = o.hideTest ? "test figures hidden (--hide-test)" : figures("test", fin.test);
        const chosen = state.averaged
          ? `the average of epochs ${state.averaged.from}-${state.averaged.to}`
          : `epoch ${state.best.epoch} of ${state.epoch}, ` +
            (config.lastEpoch ? "the last epoch" : "chosen on validation macro-F1");
        process.stdout.write(
          `${out}: ${chosen} (${figures("validation", fin.val)}); ` +
            `${testText}; ${fin.meta.params} params = ` +
            `${fin.meta.footprintKB.toFixed(2)} KB; charts in ${runDir}\n`,
        );
      }),
    );
}

/**
 * --rhythm-guard S,0.13,0.5[,atrialBelow[,atrialLags[,qrsBelow[,entropyAbove[,giveTo[,atrialEntropyAbove]]]]]] -> the guard, checked
 * against the scheme's classes.
 */
function rhythmGuardOption(text: string, scheme: string): RhythmGuard {
  const fields = text.split(",").map((v) => v.trim());
  const [
    suppress,
    threshold,
    logOffset,
    atrialBelow,
    atrialLags,
    qrsBelow,
    entropyAbove,
    giveTo,
    atrialEntropy,
    ...rest
  ] = fields;
  const optional = (v: string | undefined) => (v === undefined || v === "-" ? undefined : Number(v));
  const extra = {
    atrialBelow: optional(atrialBelow),
    atrialLags: optional(atrialLags),
    qrsBelow: optional(qrsBelow),
    entropyAbove: optional(entropyAbove),
    atrialEntropyAbove: optional(atrialEntropy),
  };
  const g = {
    suppress,
    threshold: Number(threshold),
    logOffset: Number(logOffset),
    ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
    ...(giveTo === undefined || giveTo === "-" ? {} : { giveTo }),
  };
  const why =
    rest.length > 0 || logOffset === undefined || fields.slice(1).includes("")
      ? "wants class,threshold,logOffset[,atrialBelow[,atrialLags[,qrsBelow[,entropyAbove[,giveTo[,atrialEntropyAbove]]]]]] (- for none)"
      : rhythmGuardError(g, isSchemeName(scheme) ? SCHEMES[scheme].classes : [suppress]);
  if (why) throw new UserError(`--rhythm-guard ${text}: ${why}`);
  return g;
}

/** --rr-average record|region, checked. */
function rrAverageOption(text: string): RRAverage {
  if (text !== "record" && text !== "region")
    throw new UserError(`--rr-average ${text}: must be record or region`);
  return text;
}

/** --morph-smoothing N,V,F:0.75:20[:0.999] -> the smoothing, checked against the scheme's classes and the window. */
function morphSmoothingOption(text: string, scheme: string, window: WindowSpec): MorphSmoothing {
  const [classes, lambda, k, keepAbove, ...rest] = text.split(":").map((v) => v.trim());
  const s = {
    classes: (classes ?? "").split(",").map((c) => c.trim()),
    lambda: Number(lambda),
    k: Number(k),
    ...(keepAbove === undefined ? {} : { keepAbove: Number(keepAbove) }),
  };
  const why =
    rest.length > 0 || k === undefined || lambda === "" || k === "" || keepAbove === ""
      ? "wants classes:lambda:k[:keepAbove]"
      : morphSmoothingError(s, isSchemeName(scheme) ? SCHEMES[scheme].classes : s.classes, window);
  if (why) throw new UserError(`--morph-smoothing ${text}: ${why}`);
  return s;
}

/** --unusual-qrs S:V:0.9 -> QrsVeto.unusual (checked with the veto). */
function unusualOption(text: string): UnusualQrs {
  const [from, to, below, ...rest] = text.split(":").map((v) => v.trim());
  if (rest.length > 0 || !from || !to || !below)
    throw new UserError(`--unusual-qrs ${text}: wants from:to:below (e.g. S:V:0.9)`);
  return { from: from.split(",").map((c) => c.trim()), to, below: Number(below) };
}

/** --qrs-veto V,F:0.95[:S:0.9[:0.85]] (and --unusual-qrs) -> the veto, checked against the scheme's classes. */
function qrsVetoOption(text: string, scheme: string, unusual?: string): QrsVeto {
  const [classes, above, pClasses, pAbove, afAbove, ...rest] = text.split(":").map((v) => v.trim());
  const list = (t: string | undefined) => (t ?? "").split(",").map((c) => c.trim());
  const v: QrsVeto = {
    classes: list(classes),
    above: Number(above),
    ...(pClasses !== undefined && { pClasses: list(pClasses), pAbove: Number(pAbove) }),
    ...(afAbove !== undefined && { afAbove: Number(afAbove) }),
    ...(unusual !== undefined && { unusual: unusualOption(unusual) }),
  };
  const why =
    rest.length > 0 ||
    [above, pAbove, afAbove].includes("") ||
    above === undefined ||
    (pClasses !== undefined && pAbove === undefined)
      ? "wants classes:above[:pClasses:pAbove[:afAbove]]"
      : qrsVetoError(
          v,
          isSchemeName(scheme) ? SCHEMES[scheme].classes : [...v.classes, ...(v.pClasses ?? [])],
        );
  if (why) throw new UserError(`--qrs-veto ${text}: ${why}`);
  return v;
}

/** --augment [scale]: AUGMENT_ON's strengths x scale (absent: none; no value: 1). */
function augmentOption(v: boolean | string | undefined): { warp: number; wander: number; noise: number } {
  if (v === undefined || v === false) return NO_AUGMENT;
  const k = v === true ? 1 : Number(v);
  if (!(k > 0 && k <= 4)) throw new UserError(`--augment must be a scale in (0, 4], not "${String(v)}"`);
  return { warp: AUGMENT_ON.warp * k, wander: AUGMENT_ON.wander * k, noise: AUGMENT_ON.noise * k };
}

/** --window 252,166 -> { before: 252, after: 166 }: each an integer, the R peak inside, at most 10 s in all. */
export function windowOption(text: string): WindowSpec {
  const [before, after, ...rest] = text.split(",").map((v) => v.trim());
  const w = { before: Number(before), after: Number(after) };
  const ok =
    rest.length === 0 &&
    before !== "" &&
    after !== "" &&
    Number.isInteger(w.before) &&
    Number.isInteger(w.after) &&
    w.before >= 0 &&
    w.after >= 1 &&
    w.before + w.after >= 32 &&
    w.before + w.after <= 3600;
  if (!ok)
    throw new UserError(
      `--window ${text}: wants before,after: integer samples at 360 Hz, after >= 1, 32..3600 samples in all`,
    );
  return w;
}

/** --teachers a,b,c -> the directories (at least one). */
function teacherList(text: string): string[] {
  const dirs = text
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d !== "");
  if (dirs.length === 0) throw new UserError("--teachers wants comma-separated model directories");
  return dirs;
}

/** The teachers' model.json files against the run's classes, morph and RR inputs, before any work. */
async function checkTeachersCli(
  config: { distill?: { teachers: string[] }; morph?: MorphInput; window?: WindowSpec } & Parameters<
    typeof inputColumns
  >[0],
  scheme: string,
): Promise<void> {
  if (!isSchemeName(scheme)) return; // the dataset step reports it
  const { checkTeachers } = await import("../../model/distill.js");
  const want = {
    classes: SCHEMES[scheme].classes,
    morph: config.morph ?? "none",
    rrColumns: inputColumns(config),
    window: config.window ?? DEFAULT_WINDOW,
  };
  try {
    await checkTeachers(config.distill?.teachers ?? [], want);
  } catch (err) {
    throw new UserError(`--teachers: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** "F=2,Q=1" -> { F: 2, Q: 1 }; each cap a number >= 1. */
export function parseCaps(text: string): Record<string, number> {
  const caps: Record<string, number> = {};
  for (const part of text.split(",")) {
    const m = /^\s*([A-Za-z]+)\s*=\s*([0-9.]+)\s*$/.exec(part);
    const x = m ? Number(m[2]) : NaN;
    if (!m || !(x >= 1))
      throw new UserError(
        `--oversample-cap wants CLASS=MULTIPLE pairs (multiple >= 1), e.g. F=2,Q=1, not "${text}"`,
      );
    caps[m[1]] = x;
  }
  return caps;
}

/** A progress bar on stderr (epoch, loss, val accuracy, samples/s, ETA) on a TTY, and a line per epoch. */
async function progressBar(epochs: number) {
  const { SingleBar } = await import("cli-progress");
  const tty = process.stderr.isTTY === true;
  const bar = new SingleBar({
    stream: process.stderr,
    format:
      "epoch {epoch}/{epochs} |{bar}| {percentage}% loss {loss} val acc {valAcc} {sps} samples/s ETA {eta_formatted}",
    etaBuffer: 50,
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  let valAcc = "-";
  return {
    step(p: { epoch: number; step: number; steps: number; loss: number; samplesPerSec: number }) {
      const payload = {
        epoch: p.epoch,
        epochs,
        loss: p.loss.toFixed(4),
        valAcc,
        sps: Math.round(p.samplesPerSec),
      };
      if (!tty) return;
      if (!started) {
        bar.start(p.steps * epochs, (p.epoch - 1) * p.steps + p.step, payload);
        started = true;
      } else bar.update((p.epoch - 1) * p.steps + p.step, payload);
    },
    epoch(
      log: {
        epoch: number;
        loss: number;
        valAccuracy: number | null;
        valMacroF1: number | null;
        samplesPerSec: number;
      },
      best: boolean,
    ) {
      const pct = (v: number | null) => (v === null ? "-" : (100 * v).toFixed(2) + "%");
      valAcc = pct(log.valAccuracy);
      // Each finished epoch leaves one line above the bar (the bar restarts at the next step).
      if (started) bar.stop();
      started = false;
      process.stderr.write(
        `epoch ${log.epoch}/${epochs} loss ${log.loss.toFixed(4)} val acc ${valAcc} macro-F1 ` +
          `${pct(log.valMacroF1)} ${Math.round(log.samplesPerSec)} samples/s${best ? " (best)" : ""}\n`,
      );
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function morphMode(v: string): "residual" | "pair" {
  if (v !== "residual" && v !== "pair")
    throw new UserError(`--morph must be none, residual or pair, not "${v}"`);
  return v;
}

/** --fusion-synth p[,lo,hi] -> { fusionSynth: p, fusionWeight?: [lo, hi] } (nothing for p = 0). */
export function fusionOption(text: string): {
  fusionSynth?: number;
  fusionWeight?: readonly [number, number];
} {
  const v = text.split(",").map((s) => Number(s.trim()));
  const [p, lo, hi] = v;
  const ok =
    (v.length === 1 || v.length === 3) &&
    p >= 0 &&
    p <= 1 &&
    (v.length === 1 || (lo >= 0 && lo <= hi && hi <= 1));
  if (!ok)
    throw new UserError(
      `--fusion-synth wants p in [0, 1] and optionally lo,hi with 0 <= lo <= hi <= 1, not "${text}"`,
    );
  if (p === 0) return {};
  return v.length === 3 ? { fusionSynth: p, fusionWeight: [lo, hi] } : { fusionSynth: p };
}
