import type { Command } from "commander";
import { action, printJson } from "../run.js";
import { UserError } from "../errors.js";
import { isBeatCode, readAnnotations, readHeader, resolveRecord } from "../../wfdb/index.js";
import { grossScore, scoreBeats, vfEpisodes, type BeatScore } from "../../signal/index.js";

interface ScoreCliOptions {
  ref: string;
  test: string;
  json?: boolean;
  excludeVf?: boolean;
  start: string;
  window: string;
}

interface RecordScore {
  record: string;
  whole: BeatScore;
  fromStart: BeatScore;
}

const pct = (v: number) => v.toFixed(2).padStart(6);

function row(name: string, w: BeatScore, f: BeatScore): string {
  return (
    `${name.padEnd(8)} ${String(w.tp + w.fn).padStart(7)} ${String(w.tp).padStart(7)} ${String(w.fn).padStart(5)} ` +
    `${String(w.fp).padStart(5)} ${pct(w.se)} ${pct(w.ppv)}   ${String(f.fn).padStart(5)} ${String(f.fp).padStart(5)} ` +
    `${pct(f.se)} ${pct(f.ppv)}`
  );
}

export function register(program: Command): void {
  program
    .command("score-qrs <record...>")
    .description(
      "compare test beat annotations with reference ones beat by beat (bxb / ANSI/AAMI EC57 matching)",
    )
    .option("--ref <ext>", "reference annotator", "atr")
    .option("--test <ext>", "test annotator", "qrs")
    .option(
      "--exclude-vf",
      "leave out ventricular flutter/fibrillation episodes ('[' to ']' in the reference)",
    )
    .option("--start <s>", "start of the second score, in seconds (bxb's default: 300)", "300")
    .option("--window <s>", "match window on either side, in seconds", "0.15")
    .option("--json", "print the scores as one JSON object")
    .action(
      action(async (records: string[], opts: ScoreCliOptions) => {
        const start = Number(opts.start);
        const window = Number(opts.window);
        if (!(start >= 0)) throw new UserError(`--start must be a number of seconds >= 0, not ${opts.start}`);
        if (!(window > 0 && window < 1))
          throw new UserError(`--window must be in (0, 1) seconds, not ${opts.window}`);
        const scores: RecordScore[] = [];
        for (const arg of records) {
          const path = resolveRecord(arg, program.opts().dataDir);
          const { fs } = await readHeader(path);
          const refAnns = await readAnnotations(path, opts.ref);
          const ref = refAnns.filter((a) => isBeatCode(a.code)).map((a) => a.sample);
          const test = (await readAnnotations(path, opts.test))
            .filter((a) => isBeatCode(a.code))
            .map((a) => a.sample);
          const exclude = opts.excludeVf ? vfEpisodes(refAnns) : [];
          scores.push({
            record: arg,
            whole: scoreBeats(ref, test, fs, { tolerance: window, exclude }),
            fromStart: scoreBeats(ref, test, fs, {
              tolerance: window,
              exclude,
              from: Math.round(start * fs),
            }),
          });
        }
        const gross = {
          whole: grossScore(scores.map((s) => s.whole)),
          fromStart: grossScore(scores.map((s) => s.fromStart)),
        };
        const settings = {
          ref: opts.ref,
          test: opts.test,
          window,
          start,
          excludeVf: Boolean(opts.excludeVf),
        };
        if (opts.json) {
          printJson({ ...settings, records: scores, gross });
          return;
        }
        const out = [
          `beat-by-beat: ${opts.test} against ${opts.ref}, ${window * 1000} ms window` +
            (opts.excludeVf ? ", VF episodes excluded" : ""),
          `${" ".repeat(8)} ${"".padStart(15)}  whole record${" ".repeat(17)}from ${start} s`,
          `${"record".padEnd(8)} ${"ref".padStart(7)} ${"TP".padStart(7)} ${"FN".padStart(5)} ${"FP".padStart(5)} ` +
            `${"Se%".padStart(6)} ${"+P%".padStart(6)}   ${"FN".padStart(5)} ${"FP".padStart(5)} ${"Se%".padStart(6)} ${"+P%".padStart(6)}`,
          ...scores.map((s) => row(s.record, s.whole, s.fromStart)),
          row("gross", gross.whole, gross.fromStart),
        ];
        process.stdout.write(out.join("\n") + "\n");
      }),
    );
}
