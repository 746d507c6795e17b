import type { Command } from "commander";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  DS1,
  buildBeatDataset,
  defaultDataDir,
  isSchemeName,
  isSplitName,
  mulberry32,
  oversampleIndices,
  partCounts,
  wfdbSource,
  type BeatDataset,
  type WindowSpec,
} from "../../beats/index.js";
import type { LeadSpec } from "../../wfdb/index.js";
import { UserError } from "../errors.js";
import { datasetFallbackLine, warnDatasetFallbacks } from "../lead-notes.js";
import { action, printJson } from "../run.js";

/** Where the extracted beats are cached: $XDG_CACHE_HOME/arrhythmia-vision or ~/.cache/arrhythmia-vision. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "arrhythmia-vision");
}

export interface DatasetCliOptions {
  scheme: string;
  split: string;
  cache?: boolean;
  cacheDir?: string;
  /** Comma-separated DS1 records of the inter split's validation part (default INTER_VAL_RECORDS); "none": no validation part. */
  valRecords?: string;
  /** The lead to read (a model's `meta.lead`); default the dataset's, "MLII" by name. */
  lead?: LeadSpec;
  /** The beat window (a model's `meta.window`); default DEFAULT_WINDOW. */
  window?: WindowSpec;
}

/**
 * Checks the CLI options and builds the dataset from --data-dir / $ARRHYTHMIA_VISION_DATA / ../shared/mitdb;
 * records read at a fallback signal (no signal of the lead's name) are warned about on stderr.
 */
export async function datasetFromCli(
  opts: DatasetCliOptions,
  dataDirOption: string | undefined,
): Promise<{ dataset: BeatDataset; dataDir: string }> {
  if (!isSchemeName(opts.scheme)) throw new UserError(`--scheme must be paper or aami, not "${opts.scheme}"`);
  if (!isSplitName(opts.split)) throw new UserError(`--split must be intra or inter, not "${opts.split}"`);
  const dataDir = defaultDataDir(dataDirOption);
  if (!dataDir) throw new UserError("no data directory: give --data-dir DIR or set ARRHYTHMIA_VISION_DATA");
  const source = wfdbSource(dataDir);
  if ((await source.records().catch(() => [])).length === 0)
    throw new UserError(`no annotated records found in ${dataDir}`);
  const cacheDir = opts.cache === false ? undefined : (opts.cacheDir ?? defaultCacheDir());
  const valRecords =
    opts.valRecords?.trim() === "none" ? [] : opts.valRecords?.split(",").map((r) => r.trim());
  if (valRecords) {
    if (opts.split !== "inter") throw new UserError("--val-records applies to --split inter only");
    const bad = valRecords.find((r) => !DS1.includes(r));
    if (bad !== undefined) throw new UserError(`--val-records: ${bad} is not a DS1 record`);
  }
  const dataset = await buildBeatDataset({
    source,
    scheme: opts.scheme,
    split: opts.split,
    cacheDir,
    ...(valRecords ? { valRecords } : {}),
    ...(opts.lead !== undefined ? { lead: opts.lead } : {}),
    ...(opts.window !== undefined ? { window: opts.window } : {}),
  });
  warnDatasetFallbacks(dataset.leadFallbacks);
  return { dataset, dataDir };
}

function parseRatio(v: string): number {
  const r = Number(v);
  if (!(r >= 0 && r <= 1)) throw new UserError(`--ratio must be a number in [0, 1], not "${v}"`);
  return r;
}

function parseSeed(v: string): number {
  const s = Number(v);
  if (!Number.isInteger(s) || s < 0) throw new UserError(`--seed must be a non-negative integer, not "${v}"`);
  return s;
}

export function register(program: Command): void {
  program
    .command("dataset")
    .description(
      "build the beat dataset of a label scheme and split, and print the class counts of each part",
    )
    .requiredOption("--scheme <scheme>", "label scheme: paper (N L R A V) or aami (N S V F Q)")
    .requiredOption("--split <split>", "intra (FNV-1a per beat) or inter (DS1 -> DS2, de Chazal 2004)")
    .option("--ratio <r>", "oversampling: minority classes up to r x majority in training", parseRatio, 0.25)
    .option("--seed <n>", "seed of the oversampling draw", parseSeed, 1)
    .option("--cache-dir <dir>", "cache of extracted beats (default: ~/.cache/arrhythmia-vision)")
    .option("--no-cache", "do not read or write the cache")
    .option("--json", "print one JSON object on stdout")
    .action(
      action(async (opts: DatasetCliOptions & { ratio: number; seed: number; json?: boolean }) => {
        const t0 = performance.now();
        const { dataset: d, dataDir } = await datasetFromCli(opts, program.opts().dataDir);
        const over = oversampleIndices(d.parts.train.y, d.classes.length, {
          ratio: opts.ratio,
          rng: mulberry32(opts.seed),
        });
        const counts = {
          train: partCounts(d.parts.train.y, d.classes),
          trainOversampled: partCounts(
            Array.from(over, (i) => d.parts.train.y[i]),
            d.classes,
          ),
          val: partCounts(d.parts.val.y, d.classes),
          test: partCounts(d.parts.test.y, d.classes),
        };
        const seconds = (performance.now() - t0) / 1000;
        const summary = {
          scheme: d.scheme,
          split: d.split,
          dataDir,
          classes: d.classes,
          records: d.records.length,
          valRecords: d.valRecords,
          lead: d.lead,
          leadFallbacks: d.leadFallbacks,
          windowLength: d.windowLength,
          rrFeatures: d.rrFeatures,
          oversampling: { ratio: opts.ratio, seed: opts.seed },
          dropped: d.dropped,
          counts,
          seconds: Number(seconds.toFixed(2)),
        };
        if (opts.json) return printJson(summary);
        process.stdout.write(formatTable(summary.counts, d.classes) + "\n");
        process.stdout.write(
          `${d.scheme}/${d.split}: ${d.records.length} records from ${dataDir}` +
            (d.split === "inter" ? `, validation records ${d.valRecords.join(" ")} (DS1)` : "") +
            `; lead ${d.lead}` +
            (d.leadFallbacks.length ? ` (${datasetFallbackLine(d.leadFallbacks)})` : "") +
            `; ${d.dropped.edge} beats dropped at record edges, ${d.dropped.invalid} with invalid samples;` +
            ` oversampling ratio ${opts.ratio}, seed ${opts.seed}; ${seconds.toFixed(2)} s\n`,
        );
      }),
    );
}

function formatTable(counts: Record<string, Record<string, number>>, classes: readonly string[]): string {
  const names: Record<string, string> = {
    train: "train",
    trainOversampled: "train oversampled",
    val: "val",
    test: "test",
  };
  const w = 9;
  const head = "part".padEnd(18) + [...classes, "total"].map((c) => c.padStart(w)).join("");
  const rows = Object.entries(counts).map(([part, c]) => {
    const vals = classes.map((k) => c[k]);
    const total = vals.reduce((a, b) => a + b, 0);
    return names[part].padEnd(18) + [...vals, total].map((v) => String(v).padStart(w)).join("");
  });
  return [head, ...rows].join("\n");
}
