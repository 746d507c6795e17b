// npm run bench:explain [model dir...] — speed, completeness, sanity (cascading randomisation),
// faithfulness (deletion curves) and physiology (attribution mass in the QRS and T windows) of every
// explanation method, on the shipped models (models/*) or, when none is there, on a development
// model trained here in about a minute (bench/explain-model.ts). Prints markdown tables.
// BENCH_ONLY=time: only the time table; BENCH_ONLY=channels: only a pair model's input channels
// section (bench/explain-channels.ts; last in a full run); PER_CLASS, SANITY_BEATS: how many beats;
// SHAP_FLOOR: SHAP's opt-in completeness floor (ShapOptions.floor; default 0: the error against |Δ|, issue 7).
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { buildBeatDataset, morphInput, wfdbSource, type BeatDataset } from "../src/beats/index.js";
import { ARCHS, arrhythmiNet } from "../src/model/arrhythminet.js";
import { loadBundle, type ModelBundle } from "../src/model/bundle.js";
import { argmaxRows } from "../src/model/batches.js";
import { morphOf, netInputShape } from "../src/model/beat-inputs.js";
import { specsOf } from "../src/model/engine/module.js";
import * as X from "../src/explain/index.js";
import { channelSection } from "./explain-channels.js";
import { devModel } from "./explain-model.js";
import {
  byImportance,
  deletionAuc,
  layerGroups,
  randomOrder,
  randomise,
  spearman,
} from "./explain-metrics.js";

const DATA = process.env.ARRHYTHMIA_VISION_DATA ?? "../shared/mitdb";
const CACHE = join(
  process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? "/tmp", ".cache"),
  "arrhythmia-vision",
);
const SHIPPED = ["v1-paper-intra", "v2-paper-intra", "v1-aami-inter", "v2-aami-inter"].map((n) =>
  join("models", n),
);
const PER_CLASS = Number(process.env.PER_CLASS ?? 40);
const SANITY_BEATS = Number(process.env.SANITY_BEATS ?? 50);
const SHAP_FLOOR = process.env.SHAP_FLOOR === undefined ? undefined : Number(process.env.SHAP_FLOOR);
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / Math.max(1, a.length);

function cpuLine(): string {
  const text = readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.*)/.exec(text)?.[1] ?? "unknown CPU";
  return `${model}, ${cpus().length} logical CPUs, load average ${loadavg()[0].toFixed(2)}, Node ${process.version}`;
}

interface Eval {
  x: Float32Array;
  extra?: Float32Array;
  y: Int32Array;
  cls: Int32Array; // predicted = explained class
  /** a pair model: each beat's record template */
  template?: Float32Array[];
}

function rows(
  src: { x: Float32Array; extra: Float32Array; y: Int32Array; templateOf?: (i: number) => Float32Array },
  idx: number[],
  L: number,
  F: number,
  pair = false,
) {
  const x = new Float32Array(idx.length * L);
  const extra = new Float32Array(idx.length * F);
  idx.forEach((i, r) => {
    x.set(src.x.subarray(i * L, (i + 1) * L), r * L);
    extra.set(src.extra.subarray(i * F, (i + 1) * F), r * F);
  });
  return {
    x,
    extra: F > 0 ? extra : undefined,
    y: Int32Array.from(idx, (i) => src.y[i]),
    template: pair ? idx.map((i) => src.templateOf!(i)) : undefined,
  };
}

async function evalBeats(e: X.Explainer, b: ModelBundle, ds: BeatDataset): Promise<Eval> {
  const test = X.partInputs(b.meta, ds, "test");
  const K = b.meta.classes.length;
  const L = e.width;
  const F = e.io.extraFeatures;
  const idx: number[] = [];
  for (let k = 0; k < K; k++) {
    const of = Array.from({ length: test.y.length }, (_, i) => i).filter((i) => test.y[i] === k);
    const step = Math.max(1, Math.floor(of.length / PER_CLASS));
    for (let j = 0; j < of.length && idx.length < (k + 1) * PER_CLASS; j += step) idx.push(of[j]);
  }
  const r = rows(test, idx, L, F, e.pair);
  const probs = await e.probs(r.x, r.extra, r.template);
  return { ...r, cls: argmaxRows(probs, K) };
}

const slice = (ev: Eval, n: number, L: number, F: number): Eval => ({
  x: ev.x.slice(0, n * L),
  extra: ev.extra?.slice(0, n * F),
  y: ev.y.slice(0, n),
  cls: ev.cls.slice(0, n),
  template: ev.template?.slice(0, n),
});

/** What the CLI gives every method (src/cli/commands/explain.ts): 50 training beats as SHAP's background
 * (seed 0) and the RR inputs' neutral values as the baseline of IG, occlusion and the Grad-CAM RR terms. */
const methodOptions = (b: ModelBundle, ds: BeatDataset): X.ExplainOptions => ({
  background: X.trainingBackground(b.meta, ds, 50, 0),
  extraBaseline: X.neutralExtra(b.meta),
  shap: { floor: SHAP_FLOOR },
});

async function timing(e: X.Explainer, ev: Eval, b: ModelBundle, ds: BeatDataset) {
  const L = e.width;
  const F = e.io.extraFeatures;
  const batch = slice(ev, 40, L, F);
  const one = slice(ev, 1, L, F);
  // the peer, measured in the same run: classifying the same beats with the bundle's model.onnx
  const { createSession, loadOrt } = await import("../src/model/engine/runtime.js");
  const { Tensor } = await loadOrt();
  const session = await createSession(b.onnx, { threads: 1 });
  const C = e.io.input[0];
  const nb = batch.cls.length; // 40 unless the test part has fewer evaluation beats
  const feeds = (s: Eval) => ({
    x: new Tensor("float32", e.pair ? morphInput(s.x, L, (i) => s.template![i], "pair") : s.x, [
      s.cls.length,
      C,
      L,
    ]),
    ...(F > 0 ? { extra: new Tensor("float32", s.extra!, [s.cls.length, F]) } : {}),
  });
  await session.run(feeds(batch));
  let t = performance.now();
  for (let i = 0; i < 20; i++) await session.run(feeds(batch));
  const infer = (performance.now() - t) / 20 / nb;
  await session.release();
  const lines = [
    `Peer in the same run: classifying the same ${nb} beats with model.onnx takes ${infer.toFixed(3)} ms per beat.`,
    "",
    `| method | batched, ms per beat (${nb} beats, one call) | in classifications | one beat alone, ms |`,
    "|---|---|---|---|",
  ];
  let lone: X.Attribution | undefined;
  for (const m of X.METHODS) {
    const opts = () => methodOptions(b, ds);
    await X.explainBeats(e, one, one.cls, m, opts()); // sessions built, caches warm
    const o1 = opts();
    t = performance.now();
    await X.explainBeats(e, batch, batch.cls, m, o1);
    const per = (performance.now() - t) / batch.cls.length;
    const o2 = opts();
    t = performance.now();
    const [a] = await X.explainBeats(e, one, one.cls, m, o2);
    const alone = performance.now() - t;
    lines.push(`| ${m} | ${per.toFixed(2)} | ${(per / infer).toFixed(0)}x | ${alone.toFixed(1)} |`);
    if (m === "shap") lone = a;
  }
  if (lone)
    lines.push(
      "",
      `The lone beat's SHAP: output ${lone.output.toFixed(4)}, baselineOutput ${lone.baselineOutput!.toFixed(4)}, ` +
        `mean |output − background logit| ${lone.info.pathScale.toFixed(3)}; ${lone.info.gradientsPerBeat} gradient ` +
        `evaluations, completeness error ${pct(lone.info.completenessError)} (against the floor: ${pct(lone.info.floorError)}).`,
    );
  return lines.join("\n");
}

async function completeness(e: X.Explainer, ev: Eval, b: ModelBundle, ds: BeatDataset) {
  const lines = [
    "| method | beats | mean error | worst beat | worst beat against the floor | mean gradient evaluations per beat |",
    "|---|---|---|---|---|---|",
  ];
  for (const m of ["ig", "shap"] as const) {
    const r = await X.explainBeats(e, ev, ev.cls, m, methodOptions(b, ds));
    const errs = r.map(X.completenessError);
    // IG: its baseline's gradients too (one per path: one per shift with test-time shifts)
    const igBases = X.pathShifts(e);
    const evals = r.map((a) => a.info.gradientsPerBeat + (m === "ig" ? igBases : 0));
    // SHAP's error against max(|Δ|, floor x the mean |logit change| of its paths) (floor 0 by default: |Δ|); IG: |Δ|
    const floored = r.map((a, i) => a.info.floorError ?? errs[i]);
    lines.push(
      `| ${m} | ${r.length} | ${pct(mean(errs))} | ${pct(Math.max(...errs))} | ${pct(Math.max(...floored))} | ${mean(evals).toFixed(0)} |`,
    );
  }
  return [
    ...lines,
    "",
    `Errors against |Δ| = |output − baselineOutput|; SHAP stops at 3 % against ${(SHAP_FLOOR ?? 0) > 0 ? `max(|Δ|, ${SHAP_FLOOR} × the mean |output − background logit|)` : "|Δ|"} (src/explain/paths.ts).`,
  ].join("\n");
}

async function sanity(b: ModelBundle, ev: Eval, ds: BeatDataset) {
  const meta = b.meta;
  const F = meta.extraFeatures.length;
  const K = meta.classes.length;
  const { channels, len: L } = netInputShape(meta);
  const cfg = (ARCHS as Record<string, (typeof ARCHS)["v1"]>)[meta.arch];
  const specs = specsOf((ctx) => {
    const x = ctx.g.input("x", [2, channels, L]);
    arrhythmiNet(cfg, K)(ctx, x, F > 0 ? ctx.g.input("extra", [2, F]) : undefined);
  });
  const shapes = Object.fromEntries(specs.params.map((s) => [s.name, s.shape]));
  const groups = layerGroups(b.weights!);
  const labels = ["head", ...groups.slice(1, -1).map((g) => g[0].split(".")[0]), "stem"];
  const sub = slice(ev, SANITY_BEATS, L, F);
  const bg = X.trainingBackground(meta, ds, 50, 0);
  const explainAll = async (w: typeof b.weights) => {
    const e = await X.createExplainer({
      arch: meta.arch,
      classes: meta.classes,
      extraNames: meta.extraFeatures,
      weights: w!,
      input: [channels, L],
      pair: morphOf(meta) === "pair",
      testTimeShifts: meta.testTimeShifts,
    });
    const out: Record<string, X.Attribution[]> = {};
    for (const m of X.METHODS)
      out[m] = await X.explainBeats(e, sub, sub.cls, m, {
        background: { ...bg, cache: new Map() },
        extraBaseline: X.neutralExtra(meta),
      });
    await e.release();
    return out;
  };
  const trained = await explainAll(b.weights);
  const table: Record<string, string[]> = Object.fromEntries(X.METHODS.map((m) => [m, []]));
  let w = b.weights!;
  for (let s = 0; s < groups.length; s++) {
    w = randomise(w, groups[s], shapes, 1000 + s);
    const rnd = await explainAll(w);
    for (const m of X.METHODS) {
      const rho = trained[m].map((a, i) =>
        spearman(Array.from(a.attribution, Math.abs), Array.from(rnd[m][i].attribution, Math.abs)),
      );
      const ok = rho.filter(Number.isFinite);
      const flat = rnd[m].filter((a) => a.attribution.every((v) => v === a.attribution[0])).length;
      // a randomised map that is constant (Grad-CAM: ReLU of a negative sum, all zero) has no ranking
      table[m].push((ok.length ? mean(ok).toFixed(2) : "n/a") + (flat > 0 ? ` (${flat} flat)` : ""));
    }
  }
  // the reference a model-independent "explanation" sets: |x| itself
  const withInput = X.METHODS.map((m) => {
    const rho = trained[m].map((a, i) =>
      spearman(Array.from(a.attribution, Math.abs), Array.from(sub.x.subarray(i * L, (i + 1) * L), Math.abs)),
    );
    return mean(rho.filter(Number.isFinite)).toFixed(2);
  });
  const head = `| method | ${labels.map((l) => `+${l}`).join(" | ")} | trained vs abs(x) |`;
  return [
    `Mean Spearman rank correlation of |attribution| (trained vs randomised), ${sub.cls.length} test beats; layers re-initialised cumulatively from the output (left) to the input (right); last column: the trained model's |attribution| against the beat's own |x| (what an explanation that ignores the model would give). "(k flat)": k randomised maps were constant (all zero), which have no ranking and are left out of the mean:`,
    "",
    head,
    `|---|${labels.map(() => "---").join("|")}|---|`,
    ...X.METHODS.map((m, j) => `| ${m} | ${table[m].join(" | ")} | ${withInput[j]} |`),
  ].join("\n");
}

async function faithfulness(e: X.Explainer, ev: Eval, b: ModelBundle, ds: BeatDataset) {
  const K = b.meta.classes.length;
  const L = e.width;
  const attrs: Record<string, X.Attribution[]> = {};
  for (const m of X.METHODS) attrs[m] = await X.explainBeats(e, ev, ev.cls, m, methodOptions(b, ds));
  const auc: Record<string, Float64Array> = {};
  for (const m of X.METHODS)
    auc[m] = await deletionAuc(
      e,
      ev.x,
      ev.extra,
      ev.cls,
      (i) => byImportance(attrs[m][i].attribution),
      ev.template,
    );
  const rnd = await Promise.all(
    [1, 2, 3].map((s) =>
      deletionAuc(e, ev.x, ev.extra, ev.cls, (i) => randomOrder(L, s * 7919 + i), ev.template),
    ),
  );
  auc.random = Float64Array.from(rnd[0], (_, i) => (rnd[0][i] + rnd[1][i] + rnd[2][i]) / 3);
  const cols = [...X.METHODS, "random"];
  const lines = [
    `Deletion AUC (probability of the predicted class while the most important waveform samples are replaced by 0, 5 % at a time; lower = more faithful), per true class, ${ev.cls.length} test beats:`,
    "",
    `| class | beats | ${cols.join(" | ")} |`,
    `|---|---|${cols.map(() => "---").join("|")}|`,
  ];
  for (let k = 0; k <= K; k++) {
    const sel = Array.from({ length: ev.y.length }, (_, i) => i).filter((i) => k === K || ev.y[i] === k);
    if (!sel.length) continue;
    lines.push(
      `| ${k === K ? "all" : b.meta.classes[k]} | ${sel.length} | ${cols.map((c) => mean(sel.map((i) => auc[c][i])).toFixed(3)).join(" | ")} |`,
    );
  }
  return { table: lines.join("\n"), attrs };
}

function physiology(b: ModelBundle, ev: Eval, attrs: Record<string, X.Attribution[]>, L: number) {
  const K = b.meta.classes.length;
  const w = X.beatWindows(b.meta.fs, b.meta.window.before, L);
  const share = (r: readonly [number, number]) => (r[1] - r[0]) / L;
  const lines = [
    `Share of |attribution| (waveform + RR inputs) in the QRS window (R ± 60 ms, ${pct(share(w.qrs))} of the window) and the T window (R + 140..400 ms, ${pct(share(w.t))}), correctly classified test beats:`,
    "",
    "| class | method | beats | QRS | T | rest of the beat | RR inputs |",
    "|---|---|---|---|---|---|---|",
  ];
  for (let k = 0; k < K; k++) {
    const sel = Array.from({ length: ev.y.length }, (_, i) => i).filter(
      (i) => ev.y[i] === k && ev.cls[i] === k,
    );
    if (!sel.length) continue;
    for (const m of X.METHODS) {
      const s = sel.map((i) => X.massShares(attrs[m][i].attribution, attrs[m][i].other, w));
      const avg = (f: (v: X.MassShares) => number) => pct(mean(s.map(f)));
      lines.push(
        `| ${b.meta.classes[k]} | ${m} | ${sel.length} | ${avg((v) => v.qrs)} | ${avg((v) => v.t)} | ${avg((v) => v.rest)} | ${avg((v) => v.rr)} |`,
      );
    }
  }
  return lines.join("\n");
}

const inputChannels = async (b: ModelBundle, ev: Eval) =>
  "### Input channels (pair model)\n\n" +
  (await channelSection(b.meta, b.weights!, { ...ev, template: ev.template! }, ev.cls)) +
  "\n";

async function main() {
  console.log(
    `# bench:explain — ${new Date().toISOString()}\n\n${cpuLine()}; onnxruntime-node, 1 intra-op thread\n`,
  );
  const args = process.argv.slice(2);
  const dirs = args.length ? args : SHIPPED.filter((d) => existsSync(join(d, "model.json")));
  const datasets = new Map<string, BeatDataset>();
  const dataset = async (scheme: "paper" | "aami", split: "intra" | "inter") => {
    const key = `${scheme}/${split}`;
    if (!datasets.has(key))
      datasets.set(key, await buildBeatDataset({ source: wfdbSource(DATA), scheme, split, cacheDir: CACHE }));
    return datasets.get(key)!;
  };
  const bundles: ModelBundle[] = [];
  for (const d of dirs) bundles.push(await loadBundle(d));
  if (!bundles.length) {
    console.log(
      "No shipped model in models/: using the development model of bench/explain-model.ts (V2 + 4 RR inputs, 600 steps on the paper/intra training part).\n",
    );
    bundles.push(await devModel(join(CACHE, "explain-dev-model"), await dataset("paper", "intra")));
  }
  for (const b of bundles) {
    const ds = await dataset(b.meta.scheme, b.meta.training.split);
    const e = await X.bundleExplainer(b, { threads: 1 });
    const ev = await evalBeats(e, b, ds);
    const right = Array.from(ev.cls).filter((c, i) => c === ev.y[i]).length;
    console.log(
      `## ${b.meta.name} (${b.meta.arch}, ${b.meta.scheme}/${b.meta.training.split}, RR inputs: ${b.meta.extraFeatures.join(", ") || "none"})\n`,
    );
    console.log(
      `Evaluation beats: up to ${PER_CLASS} test beats per class, ${ev.cls.length} in all, ${right} classified correctly. Every method explains the logit of the predicted class.\n`,
    );
    if (process.env.BENCH_ONLY === "channels") {
      await e.release();
      if (e.pair) console.log(await inputChannels(b, ev));
      continue;
    }
    console.log("### Time\n\n" + (await timing(e, ev, b, ds)) + "\n");
    if (process.env.BENCH_ONLY === "time") {
      await e.release();
      continue;
    }
    console.log(
      "### Completeness (sum of attributions vs output − baselineOutput)\n\n" +
        (await completeness(e, ev, b, ds)) +
        "\n",
    );
    const f = await faithfulness(e, ev, b, ds);
    console.log("### Faithfulness\n\n" + f.table + "\n");
    console.log("### Physiology\n\n" + physiology(b, ev, f.attrs, e.width) + "\n");
    await e.release();
    console.log("### Sanity (cascading randomisation)\n\n" + (await sanity(b, ev, ds)) + "\n");
    if (e.pair) console.log(await inputChannels(b, ev));
  }
}

await main();
