// A trained model on disk: one directory, written atomically, read back with clear errors.
//
//   models/<name>/model.onnx    the inference graph, weights baked in (inputs "x" (N,C,256) [, "extra" (N,F)],
//                               output "probs" (N,K); C = 2 for morph "pair", else 1)
//   models/<name>/weights.bin   every parameter and buffer as raw little-endian float32, one after another
//   models/<name>/weights.json  their manifest: name, shape, offset (in floats) and length of each
//   models/<name>/model.json    ModelMeta: what the model reads, what it outputs, how it was made
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import {
  RR_FEATURES,
  isSchemeName,
  isSplitName,
  windowLength,
  type SchemeName,
  type SplitName,
} from "../beats/index.js";
import type { MorphInput, WindowSpec } from "../beats/index.js";
import type { LeadSpec } from "../wfdb/index.js";
import { rhythmGuardError, type RhythmGuard } from "./rhythm-guard.js";
import { qrsVetoError, type QrsVeto } from "./qrs-veto.js";
import { secondTemplateError, type SecondTemplate } from "./second-template.js";
import { morphSmoothingError, type MorphSmoothing } from "./morph-smoothing.js";
import { shiftsError } from "./shifts.js";

export const BUNDLE_FORMAT = 1;
/** The values of model.json's optional `morph`. */
export const MORPH_INPUTS: readonly MorphInput[] = ["none", "residual", "pair"];
export const BUNDLE_FILES = {
  onnx: "model.onnx",
  weights: "weights.bin",
  manifest: "weights.json",
  meta: "model.json",
} as const;

/** Named float32 tensors (the engine's `Weights`): parameters and buffers, flat, row-major. */
export type NamedTensors = Record<string, Float32Array>;

/** The credit that ships with every model trained on MIT-BIH. */
export const MITDB_CREDIT =
  "Trained on the MIT-BIH Arrhythmia Database (PhysioNet, ODC-By 1.0): Moody GB, Mark RG, IEEE EMB 20(3):45-50 " +
  "(2001); Goldberger AL et al., Circulation 101(23):e215-e220 (2000).";

/** How the optional extra (RR) inputs are scaled before the model sees them: (v - mean) / std per feature. */
export interface ExtraScaling {
  mean: number[];
  std: number[];
}

export interface TrainingInfo {
  /** The command line that made the model. */
  command: string;
  seed: number;
  epochs: number;
  split: SplitName;
  /** Anything else worth keeping (learning rate, oversampling ratio, seconds, ...). */
  [key: string]: unknown;
}

/** model.json: everything a user of the model needs to feed it the same beats as in training. */
export interface ModelMeta {
  format: typeof BUNDLE_FORMAT;
  name: string;
  /** Network configuration, e.g. "v1" or "v2". */
  arch: string;
  scheme: SchemeName;
  /** Class names in the order of the output "probs". */
  classes: string[];
  /** Rate the windows are cut at, Hz (other records are resampled to it). */
  fs: number;
  /**
   * Lead the model was trained on: a signal name ("MLII"; a record without it is read at signal 0) or, in
   * model.json files written before names, a signal number. Resolved per record by src/wfdb chooseLead.
   */
  lead: LeadSpec;
  window: WindowSpec;
  /** Per-beat window normalisation (the only one: zero mean, unit standard deviation). */
  normalisation: "zscore-per-beat";
  /** Names (from RR_FEATURES) of the columns of the "extra" input, in order; [] when the model has none. */
  extraFeatures: string[];
  extraScaling?: ExtraScaling;
  /**
   * What the net sees of a beat: its window as cut ("none", also when absent), its window minus its
   * record's median beat ("residual", src/beats/template.ts; the template over the record's beats), or both
   * as two input channels ("pair": [window, window - template]).
   */
  morph?: MorphInput;
  /**
   * Test-time shifts (src/model/shifts.ts): the probabilities are the mean over the net input translated
   * by each of these sample counts (absent: the input as it is).
   */
  testTimeShifts?: number[];
  /**
   * After the net (src/model/rhythm-guard.ts): the class an irregular rhythm rules out, and its prior
   * elsewhere (absent: the net's probabilities as they are).
   */
  rhythmGuard?: RhythmGuard;
  /**
   * After the net, before the rhythm guard (src/model/morph-smoothing.ts): each beat's split among these
   * classes pulled towards that of the k beats of its record most alike in QRS shape (absent: none).
   */
  morphSmoothing?: MorphSmoothing;
  /**
   * After the rhythm guard (src/model/qrs-veto.ts): these classes ruled out on beats whose QRS matches the
   * record's usual one, and with `unusual` an S call on a QRS unlike it given to V (absent: none).
   */
  qrsVeto?: QrsVeto;
  /** A second template for patients with two normal QRS shapes (second-template.ts); absent: none. */
  secondTemplate?: SecondTemplate;
  /**
   * An ensemble (src/model/ensemble.ts): this many nets of `arch`, trained apart, their weights named
   * "m<i>.<name>", the probabilities their mean (absent: one net).
   */
  members?: number;
  /** Trainable parameters (buffers such as BN running statistics not counted). */
  params: number;
  /** params x 4 bytes / 1024 (float32). */
  footprintKB: number;
  /** Size of model.onnx in bytes. */
  onnxBytes: number;
  training: TrainingInfo;
  /** Validation metrics of the chosen checkpoint (e.g. accuracy, macroF1). */
  validation: Record<string, unknown>;
  dataCredit: string;
  createdAt: string;
}

/** What the caller gives saveBundle; sizes, format and date are filled in. */
export type ModelMetaInput = Omit<
  ModelMeta,
  "format" | "footprintKB" | "onnxBytes" | "createdAt" | "dataCredit" | "normalisation"
> & {
  dataCredit?: string;
  normalisation?: ModelMeta["normalisation"];
};

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements into weights.bin. */
  offset: number;
  length: number;
}

export interface WeightsManifest {
  format: typeof BUNDLE_FORMAT;
  dtype: "float32";
  byteOrder: "little-endian";
  tensors: TensorEntry[];
}

export interface ModelBundle {
  dir: string;
  meta: ModelMeta;
  onnxPath: string;
  onnx: Uint8Array;
  manifest: WeightsManifest;
  /** Present unless loadBundle was told not to read them. */
  weights?: NamedTensors;
}

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleError";
  }
}

/** Float32 parameter footprint in KB (1 KB = 1024 bytes). */
export const footprintKB = (params: number): number => (params * 4) / 1024;

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The manifest and the bytes of weights.bin for `weights` (shapes default to flat). */
export function encodeWeights(
  weights: NamedTensors,
  shapes: Readonly<Record<string, readonly number[]>> = {},
): { manifest: WeightsManifest; bytes: Uint8Array } {
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(weights)) {
    const shape = [...(shapes[name] ?? [data.length])];
    if (numel(shape) !== data.length)
      throw new BundleError(`weight ${name}: shape [${shape.join(", ")}] but ${data.length} values`);
    tensors.push({ name, shape, offset, length: data.length });
    offset += data.length;
  }
  const all = new Float32Array(offset);
  for (const t of tensors) all.set(weights[t.name], t.offset);
  const bytes = new Uint8Array(offset * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < offset; i++) view.setFloat32(i * 4, all[i], true);
  return {
    manifest: { format: BUNDLE_FORMAT, dtype: "float32", byteOrder: "little-endian", tensors },
    bytes,
  };
}

/** The named tensors of weights.bin, checked against the manifest. */
export function decodeWeights(manifest: WeightsManifest, bytes: Uint8Array, where = "weights"): NamedTensors {
  const total = manifest.tensors.reduce((s, t) => s + t.length, 0);
  if (bytes.length !== total * 4)
    throw new BundleError(
      `${where}: ${bytes.length} bytes but the manifest lists ${total} float32 values (${total * 4} bytes)`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: NamedTensors = {};
  for (const t of manifest.tensors) {
    const a = new Float32Array(t.length);
    for (let i = 0; i < t.length; i++) a[i] = view.getFloat32((t.offset + i) * 4, true);
    out[t.name] = a;
  }
  return out;
}

export interface SaveBundleInput {
  meta: ModelMetaInput;
  onnx: Uint8Array;
  weights: NamedTensors;
  /** Shapes of the weights (default: each flat). */
  shapes?: Readonly<Record<string, readonly number[]>>;
}

/**
 * Writes a model directory atomically: everything goes to a temporary sibling directory first, which then
 * replaces `dir` (an existing model is swapped out and removed only once the new one is in place).
 */
export async function saveBundle(dir: string, input: SaveBundleInput): Promise<ModelMeta> {
  const target = resolve(dir);
  const meta: ModelMeta = {
    format: BUNDLE_FORMAT,
    ...input.meta,
    normalisation: input.meta.normalisation ?? "zscore-per-beat",
    footprintKB: footprintKB(input.meta.params),
    onnxBytes: input.onnx.length,
    dataCredit: input.meta.dataCredit ?? MITDB_CREDIT,
    createdAt: new Date().toISOString(),
  };
  const { manifest, bytes } = encodeWeights(input.weights, input.shapes);
  checkMeta(meta, target);
  checkManifestAgainstMeta(manifest, meta, target);
  await mkdir(dirname(target), { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${tag}`);
  const old = join(dirname(target), `.${basename(target)}.old-${tag}`);
  try {
    await mkdir(tmp);
    await writeFile(join(tmp, BUNDLE_FILES.onnx), input.onnx);
    await writeFile(join(tmp, BUNDLE_FILES.weights), bytes);
    await writeFile(join(tmp, BUNDLE_FILES.manifest), JSON.stringify(manifest) + "\n");
    await writeFile(join(tmp, BUNDLE_FILES.meta), JSON.stringify(meta, null, 2) + "\n");
    const hadOld = existsSync(target);
    if (hadOld) await rename(target, old);
    await rename(tmp, target);
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(old)) await rename(old, target).catch(() => undefined);
    throw new BundleError(`cannot write model ${target}: ${(err as Error).message}`);
  }
  return meta;
}

export interface LoadBundleOptions {
  /** Read and check weights.bin too (default true; inference needs only model.onnx). */
  weights?: boolean;
}

/** Reads and checks a model directory; every problem is one clear BundleError. */
export async function loadBundle(dir: string, opts: LoadBundleOptions = {}): Promise<ModelBundle> {
  const root = resolve(dir);
  const st = await stat(root).catch(() => undefined);
  if (!st) throw new BundleError(`model directory ${dir} not found`);
  if (!st.isDirectory()) throw new BundleError(`model ${dir} is not a directory`);
  const meta = parseJson(await readPart(root, dir, BUNDLE_FILES.meta), `${dir}/${BUNDLE_FILES.meta}`);
  checkMeta(meta, dir);
  const onnx = await readPart(root, dir, BUNDLE_FILES.onnx);
  if (onnx.length !== meta.onnxBytes)
    throw new BundleError(
      `${dir}/${BUNDLE_FILES.onnx}: ${onnx.length} bytes but model.json says ${meta.onnxBytes} (truncated or replaced?)`,
    );
  const manifest = parseJson(
    await readPart(root, dir, BUNDLE_FILES.manifest),
    `${dir}/${BUNDLE_FILES.manifest}`,
  );
  checkManifest(manifest, `${dir}/${BUNDLE_FILES.manifest}`);
  checkManifestAgainstMeta(manifest, meta, dir);
  const bundle: ModelBundle = { dir: root, meta, onnxPath: join(root, BUNDLE_FILES.onnx), onnx, manifest };
  if (opts.weights !== false)
    bundle.weights = decodeWeights(
      manifest,
      await readPart(root, dir, BUNDLE_FILES.weights),
      `${dir}/${BUNDLE_FILES.weights}`,
    );
  return bundle;
}

async function readPart(root: string, shown: string, file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(join(root, file)));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BundleError(
      code === "ENOENT" ? `model ${shown} has no ${file}` : `cannot read ${shown}/${file}: ${code ?? err}`,
    );
  }
}

function parseJson<T>(bytes: Uint8Array, where: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch {
    throw new BundleError(`${where} is not valid JSON (corrupt file?)`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isNat = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

/** Throws a BundleError naming the first field of model.json that is missing or wrong. */
export function checkMeta(m: unknown, where: string): asserts m is ModelMeta {
  const bad = (field: string, want: string) =>
    new BundleError(`${where}/${BUNDLE_FILES.meta}: ${field} ${want}`);
  if (!isObj(m)) throw bad("content", "is not an object");
  if (m.format !== BUNDLE_FORMAT) throw bad("format", `must be ${BUNDLE_FORMAT}, not ${String(m.format)}`);
  if (typeof m.name !== "string" || !m.name) throw bad("name", "missing");
  if (typeof m.arch !== "string" || !m.arch) throw bad("arch", "missing");
  if (typeof m.scheme !== "string" || !isSchemeName(m.scheme)) throw bad("scheme", "must be paper or aami");
  if (!isStrArr(m.classes) || m.classes.length < 2 || new Set(m.classes).size !== m.classes.length)
    throw bad("classes", "must be two or more distinct names");
  if (typeof m.fs !== "number" || !(m.fs > 0)) throw bad("fs", "must be a positive rate");
  if (!isNat(m.lead) && !(typeof m.lead === "string" && m.lead.trim()))
    throw bad("lead", "must be a signal name or a signal number");
  const w = m.window as Partial<WindowSpec> | undefined;
  if (!isObj(w) || !isNat(w.before) || !isNat(w.after) || w.before + w.after === 0)
    throw bad("window", "must be {before, after} sample counts");
  if (m.normalisation !== "zscore-per-beat") throw bad("normalisation", "must be zscore-per-beat");
  if (!isStrArr(m.extraFeatures)) throw bad("extraFeatures", "must be a list of RR feature names");
  const unknown = m.extraFeatures.find((f) => !(RR_FEATURES as readonly string[]).includes(f));
  if (unknown !== undefined) throw bad("extraFeatures", `has unknown feature "${unknown}"`);
  if (m.extraScaling !== undefined) {
    const s = m.extraScaling as Partial<ExtraScaling>;
    const n = m.extraFeatures.length;
    const ok = (a: unknown) => Array.isArray(a) && a.length === n && a.every((v) => Number.isFinite(v));
    if (!ok(s.mean) || !ok(s.std) || s.std!.some((v) => v <= 0))
      throw bad("extraScaling", `must be {mean, std} of ${n} finite values (std > 0)`);
  }
  if (m.morph !== undefined && !(MORPH_INPUTS as readonly unknown[]).includes(m.morph))
    throw bad(
      "morph",
      `must be ${MORPH_INPUTS.slice(0, -1).join(", ")} or ${MORPH_INPUTS.at(-1)} (or absent), not ${JSON.stringify(m.morph)}`,
    );
  if (m.testTimeShifts !== undefined) {
    const why = shiftsError(m.testTimeShifts, windowLength(m.window as WindowSpec));
    if (why) throw bad("testTimeShifts", why);
  }
  if (m.rhythmGuard !== undefined) {
    const why = rhythmGuardError(m.rhythmGuard, m.classes);
    if (why) throw bad("rhythmGuard", why);
  }
  if (m.morphSmoothing !== undefined) {
    const why = morphSmoothingError(m.morphSmoothing, m.classes, m.window as WindowSpec);
    if (why) throw bad("morphSmoothing", why);
  }
  if (m.secondTemplate !== undefined) {
    const why = secondTemplateError(m.secondTemplate);
    if (why) throw bad("secondTemplate", why);
    if ((m.morph ?? "none") === "none") throw bad("secondTemplate", "needs a residual or pair model");
  }
  if (m.qrsVeto !== undefined) {
    const why = qrsVetoError(m.qrsVeto, m.classes);
    if (why) throw bad("qrsVeto", why);
  }
  if (m.members !== undefined && !(isNat(m.members) && m.members >= 2))
    throw bad("members", "must be a count of two or more nets (or absent)");
  if (!isNat(m.params) || m.params === 0) throw bad("params", "must be a positive count");
  if (typeof m.footprintKB !== "number" || Math.abs(m.footprintKB - footprintKB(m.params)) > 1e-9)
    throw bad("footprintKB", `must be params x 4 / 1024 = ${footprintKB(m.params)}`);
  if (!isNat(m.onnxBytes)) throw bad("onnxBytes", "must be a byte count");
  const t = m.training as Partial<TrainingInfo> | undefined;
  if (!isObj(t) || typeof t.command !== "string" || !isNat(t.seed) || !isNat(t.epochs))
    throw bad("training", "must be {command, seed, epochs, split}");
  if (typeof t.split !== "string" || !isSplitName(t.split))
    throw bad("training.split", "must be intra or inter");
  if (!isObj(m.validation)) throw bad("validation", "must be an object of metrics");
  if (typeof m.dataCredit !== "string") throw bad("dataCredit", "missing");
}

function checkManifest(m: unknown, where: string): asserts m is WeightsManifest {
  if (!isObj(m) || m.format !== BUNDLE_FORMAT || m.dtype !== "float32" || !Array.isArray(m.tensors))
    throw new BundleError(`${where}: not a float32 weights manifest of format ${BUNDLE_FORMAT}`);
  let offset = 0;
  const seen = new Set<string>();
  for (const t of m.tensors as unknown[]) {
    if (!isObj(t) || typeof t.name !== "string" || !Array.isArray(t.shape) || !t.shape.every(isNat))
      throw new BundleError(`${where}: tensor entry ${JSON.stringify(t)} is malformed`);
    if (seen.has(t.name)) throw new BundleError(`${where}: tensor ${t.name} listed twice`);
    seen.add(t.name);
    if (t.offset !== offset || t.length !== numel(t.shape as number[]))
      throw new BundleError(
        `${where}: tensor ${t.name} has shape [${(t.shape as number[]).join(", ")}], length ${String(t.length)} ` +
          `at offset ${String(t.offset)} (want length ${numel(t.shape as number[])} at ${offset})`,
      );
    offset += t.length;
  }
}

function checkManifestAgainstMeta(manifest: WeightsManifest, meta: ModelMeta, where: string): void {
  const total = manifest.tensors.reduce((s, t) => s + t.length, 0);
  if (meta.params > total)
    throw new BundleError(
      `${where}: model.json counts ${meta.params} parameters but weights hold only ${total}`,
    );
}
