import type { Command } from "commander";
import { existsSync } from "node:fs";
import { action, printJson } from "../run.js";
import { UserError } from "../errors.js";
import {
  isBeatCode,
  readAnnotations,
  readHeader,
  readRecord,
  resolveLead,
  resolveRecord,
  toPhysical,
  writeAnnotations,
  type Annotation,
  type LeadChoice,
} from "../../wfdb/index.js";
import { warnLeadFallback } from "../lead-notes.js";
import { detectQrs, scoreBeats, vfEpisodes } from "../../signal/index.js";

interface DetectCliOptions {
  outExt: string;
  lead: string;
  json?: boolean;
  summary?: boolean;
  write: boolean;
}

interface LoadedLead {
  /** The signal read (a name asked for and not found: signal 0, said on stderr). */
  lead: LeadChoice;
  x: Float64Array;
  /** Sampling rate of the lead (frame rate times samples per frame). */
  fs: number;
  samplesPerFrame: number;
  frameRate: number;
  frames: number;
}

/** Reads one lead (a signal number, or a signal name: first of that name, else signal 0) in physical units. */
async function loadLead(path: string, spec: number | string): Promise<LoadedLead> {
  const header = await readHeader(path);
  if (typeof spec === "number" && spec >= header.nSignals)
    throw new UserError(
      `${path}: --lead ${spec} but the record has ${header.nSignals} signal(s) (0..${header.nSignals - 1})`,
    );
  const lead = await resolveLead(path, spec, 0, header);
  const rec = await readRecord(path, { signals: [lead.index], verifyChecksum: false });
  const sig = rec.signals[0];
  const spf = sig.samplesPerFrame;
  return {
    lead,
    x: toPhysical(sig),
    fs: rec.fs * spf,
    samplesPerFrame: spf,
    frameRate: rec.fs,
    frames: rec.to - rec.from,
  };
}

/** R peaks of a loaded lead as frame numbers (multi-frequency signals mapped to frames). */
function detectLead(l: LoadedLead): { samples: number[]; fs: number; frames: number } {
  const beats = detectQrs(l.x, l.fs);
  const spf = l.samplesPerFrame;
  const samples = spf === 1 ? beats : beats.map((b) => Math.floor(b / spf));
  return { samples, fs: l.frameRate, frames: l.frames };
}

function toAnnotations(samples: number[], lead: number): Annotation[] {
  return samples.map((sample) => ({ sample, code: 1, symbol: "N", subtype: 0, chan: lead, num: 0, aux: "" }));
}

/** The human summary of `npm start`: beats, heart rate, and Se/+P against .atr when it exists. */
async function summary(
  name: string,
  path: string,
  r: { samples: number[]; fs: number; frames: number },
): Promise<string> {
  const minutes = r.frames / r.fs / 60;
  const lines = [`${name}: ${r.samples.length} beats in ${minutes.toFixed(1)} min`];
  if (r.samples.length > 1) {
    const span = (r.samples[r.samples.length - 1] - r.samples[0]) / r.fs;
    lines.push(`  mean heart rate ${((60 * (r.samples.length - 1)) / span).toFixed(1)} bpm`);
  }
  if (existsSync(`${path}.atr`)) {
    const anns = await readAnnotations(path, "atr");
    const ref = anns.filter((a) => isBeatCode(a.code)).map((a) => a.sample);
    const s = scoreBeats(ref, r.samples, r.fs);
    lines.push(
      `  against ${name}.atr (${ref.length} beats, 150 ms window): Se ${s.se.toFixed(2)} %, +P ${s.ppv.toFixed(2)} % ` +
        `(${s.fn} missed, ${s.fp} false)`,
    );
    const vf = vfEpisodes(anns);
    if (vf.length)
      lines.push(`  (${vf.length} ventricular flutter/fibrillation episode(s) included in that score)`);
  }
  return lines.join("\n");
}

export function register(program: Command): void {
  program
    .command("detect <record...>")
    .description("detect QRS complexes (R peaks) and write them as a WFDB annotation file beside each record")
    .option("--out-ext <ext>", "annotation file extension to write", "qrs")
    .option(
      "--lead <n|name>",
      'signal number, or signal name (e.g. "MLII"; a record without it: signal 0, with a warning)',
      "0",
    )
    .option("--json", 'print one line per record: {"record":...,"samples":[...]}')
    .option(
      "--summary",
      "print beats found, mean heart rate and, if <record>.atr exists, Se/+P against it (writes no file)",
    )
    .option("--no-write", "do not write annotation files")
    .action(
      action(async (records: string[], opts: DetectCliOptions) => {
        if (opts.lead.trim() === "") throw new UserError("--lead must be a signal number or name");
        if (opts.outExt === "atr" && opts.write && !opts.summary)
          throw new UserError(
            "--out-ext atr would overwrite the reference annotations; choose another extension",
          );
        if (!/^[A-Za-z0-9_]+$/.test(opts.outExt))
          throw new UserError(`--out-ext must be a plain extension, not ${opts.outExt}`);
        const lead = /^\d+$/.test(opts.lead) ? Number(opts.lead) : opts.lead;
        const paths = records.map((arg) => resolveRecord(arg, program.opts().dataDir));
        // Read the next record while detecting in this one (I/O overlaps computation).
        const load = (i: number) => {
          const p = loadLead(paths[i], lead);
          p.catch(() => undefined); // handled when awaited; avoids an early unhandled rejection
          return p;
        };
        let next = load(0);
        for (let i = 0; i < records.length; i++) {
          const arg = records[i];
          const path = paths[i];
          const loaded = await next;
          if (i + 1 < records.length) next = load(i + 1);
          const r = detectLead(loaded);
          warnLeadFallback(loaded.lead, arg);
          const chan = loaded.lead.index;
          if (opts.write && !opts.summary)
            await writeAnnotations(`${path}.${opts.outExt}`, toAnnotations(r.samples, chan));
          if (opts.json)
            printJson({ record: arg, fs: r.fs, lead: chan, leadName: loaded.lead.name, samples: r.samples });
          else if (opts.summary) process.stdout.write((await summary(arg, path, r)) + "\n");
          else
            process.stdout.write(
              `${arg}: ${r.samples.length} beats${opts.write ? ` -> ${path}.${opts.outExt}` : ""}\n`,
            );
        }
      }),
    );
}
