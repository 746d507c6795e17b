// Knowledge distillation: a training run's targets mix each beat's label with the mean class probabilities
// of teacher models (e.g. the same recipe trained with other seeds: an ensemble that does not fit the
// footprint, compressed into one net). The teachers see exactly the student's (augmented) batch, so
// every augmented beat gets the ensemble's opinion of that very input, as the teachers ship it (their
// own test-time shifts included).
import { RR_FEATURES, sameWindow, windowText, type MorphInput, type WindowSpec } from "../beats/index.js";
import { loadBundle } from "./bundle.js";
import { openClassifier, type Classifier } from "./classify.js";

export interface Teachers {
  /** Training targets (n x K soft labels) of a batch: (1 - alpha) one-hot(y) + alpha mean teacher probabilities. */
  targets(x: Float32Array, y: Int32Array, extra?: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

/** What a teacher must take and give to teach a run: the run's classes, net input and RR inputs. */
export interface StudentInput {
  classes: readonly string[];
  morph: MorphInput;
  rrColumns: readonly number[];
  window: WindowSpec;
}

/** (1 - alpha) one-hot(y) + alpha x the mean of the teachers' probabilities (each n x k). */
export function distillTargets(
  y: Int32Array,
  teacherProbs: readonly Float32Array[],
  k: number,
  alpha: number,
): Float32Array {
  if (!(alpha >= 0 && alpha <= 1))
    throw new RangeError(`distillation weight must be in [0, 1], not ${alpha}`);
  if (teacherProbs.length === 0) throw new Error("distillTargets: no teachers");
  const out = new Float32Array(y.length * k);
  const w = alpha / teacherProbs.length;
  for (const p of teacherProbs) {
    if (p.length !== out.length)
      throw new Error(`distillTargets: ${p.length / k} teacher rows for ${y.length}`);
    for (let i = 0; i < out.length; i++) out[i] += w * p[i];
  }
  y.forEach((c, i) => {
    if (!(c >= 0 && c < k)) throw new RangeError(`label ${c} out of range [0, ${k})`);
    out[i * k + c] += 1 - alpha;
  });
  return out;
}

/** Why a teacher's model.json cannot teach this run, or undefined. */
export function teacherMismatch(meta: Classifier["meta"], want: StudentInput): string | undefined {
  const same = (a: readonly unknown[], b: readonly unknown[]) => JSON.stringify(a) === JSON.stringify(b);
  const rr = want.rrColumns.map((c) => RR_FEATURES[c]);
  if (!same(meta.classes, want.classes))
    return `classes ${meta.classes.join(" ")}, the run's ${want.classes.join(" ")}`;
  if ((meta.morph ?? "none") !== want.morph) return `morph ${meta.morph ?? "none"}, the run's ${want.morph}`;
  if (!same(meta.extraFeatures, rr))
    return `RR inputs [${meta.extraFeatures.join(", ")}], the run's [${rr.join(", ")}]`;
  if (!sameWindow(meta.window, want.window))
    return `window ${windowText(meta.window)}, the run's ${windowText(want.window)}`;
  return undefined;
}

/** Checks teacher model directories against a run before any work (model.json only); throws one line. */
export async function checkTeachers(dirs: readonly string[], want: StudentInput): Promise<void> {
  if (dirs.length === 0) throw new Error("distillation needs at least one teacher model");
  for (const dir of dirs) {
    const why = teacherMismatch((await loadBundle(dir, { weights: false })).meta, want);
    if (why) throw new Error(`teacher ${dir} cannot teach this run: its ${why}`);
  }
}

/** Opens teacher model directories for a run, after checkTeachers (one error line if one cannot teach it). */
export async function openTeachers(
  dirs: readonly string[],
  want: StudentInput,
  alpha: number,
  threads: number,
): Promise<Teachers> {
  await checkTeachers(dirs, want);
  const opened: Classifier[] = [];
  try {
    for (const dir of dirs) opened.push(await openClassifier(dir, { threads, batchSize: 1024 }));
  } catch (err) {
    await Promise.all(opened.map((c) => c.release()));
    throw err;
  }
  const k = want.classes.length;
  return {
    async targets(x, y, extra) {
      const probs: Float32Array[] = [];
      for (const c of opened) probs.push(await c.predict(x, extra));
      return distillTargets(y, probs, k, alpha);
    },
    release: async () => void (await Promise.all(opened.map((c) => c.release()))),
  };
}
