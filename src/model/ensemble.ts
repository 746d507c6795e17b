// Writing an ensemble model directory from trained ones (ensemble-net.ts: its net): the members must read the
// same inputs and share every step after the net (docs/RESULTS.md, inter-patient search 62).
import { basename } from "node:path";
import { ARCHS, isArch } from "./arrhythminet.js";
import { netInputShape } from "./beat-inputs.js";
import { BundleError, loadBundle, saveBundle, type ModelMeta, type NamedTensors } from "./bundle.js";
import { inferenceGraph } from "./engine/build.js";
import { memberPrefix, netOf } from "./ensemble-net.js";

/** What the members must share: everything that makes their inputs, and every step after the net. */
const SHARED = [
  "arch",
  "scheme",
  "classes",
  "fs",
  "lead",
  "window",
  "normalisation",
  "extraFeatures",
  "extraScaling",
  "morph",
  "testTimeShifts",
  "rhythmGuard",
  "morphSmoothing",
  "qrsVeto",
  "secondTemplate",
] as const satisfies readonly (keyof ModelMeta)[];

/** The first model.json field in which a member differs from the first one, or undefined. */
export function memberMismatch(metas: readonly ModelMeta[]): string | undefined {
  for (const [i, m] of metas.entries()) {
    if (m.members) return `member ${i + 1} (${m.name}) is an ensemble itself`;
    const field = SHARED.find((k) => JSON.stringify(m[k]) !== JSON.stringify(metas[0][k]));
    if (field) return `member ${i + 1} (${m.name}) differs from member 1 (${metas[0].name}) in ${field}`;
  }
  return undefined;
}

/** Writes the ensemble of the model directories `dirs` (two or more) to `out`, atomically. */
export async function writeEnsemble(dirs: readonly string[], out: string, command = ""): Promise<ModelMeta> {
  if (dirs.length < 2) throw new BundleError(`an ensemble needs two or more members, not ${dirs.length}`);
  const bundles = await Promise.all(dirs.map((d) => loadBundle(d)));
  const metas = bundles.map((b) => b.meta);
  const why = memberMismatch(metas);
  if (why) throw new BundleError(`cannot make an ensemble: ${why}`);
  const first = metas[0];
  if (!isArch(first.arch))
    throw new BundleError(`cannot make an ensemble of unknown architecture "${first.arch}"`);
  const weights: NamedTensors = {};
  const shapes: Record<string, number[]> = {};
  bundles.forEach((b, i) => {
    for (const t of b.manifest.tensors) {
      weights[memberPrefix(i) + t.name] = b.weights![t.name];
      shapes[memberPrefix(i) + t.name] = t.shape;
    }
  });
  const { channels, len } = netInputShape(first);
  const io = {
    input: [channels, len] as const,
    extraFeatures: first.extraFeatures.length,
    numClasses: first.classes.length,
  };
  const onnx = inferenceGraph(netOf(ARCHS[first.arch], io.numClasses, dirs.length), io, weights);
  return saveBundle(out, {
    onnx,
    weights,
    shapes,
    meta: {
      ...first,
      name: basename(out),
      members: dirs.length,
      params: metas.reduce((s, m) => s + m.params, 0),
      training: {
        command,
        seed: first.training.seed,
        epochs: first.training.epochs,
        split: first.training.split,
        members: metas.map((m) => ({ name: m.name, training: m.training, validation: m.validation })),
      },
      validation: {},
    },
  });
}
