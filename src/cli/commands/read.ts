import type { Command } from "commander";
import { once } from "node:events";
import { action } from "../run.js";
import { UserError } from "../errors.js";
import { readRecord, resolveRecord, toPhysical, type SignalData, type WfdbRecord } from "../../wfdb/index.js";

interface ReadCliOptions {
  from?: string;
  to?: string;
  physical?: boolean;
  digital?: boolean;
  format: string;
  signals?: string;
}

/** Values per chunk of text: big enough to be fast, small enough to keep memory flat. */
const CHUNK = 1 << 16;

/** Writes text to stdout, waiting when the pipe is full. */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, "drain");
}

function frameArg(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v))
    throw new UserError(`--${what} must be a frame number (a non-negative integer), not ${v}`);
  return Number(v);
}

function signalsArg(v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const list = v.split(",").map((s) => s.trim());
  if (!list.every((s) => /^\d+$/.test(s)))
    throw new UserError(`--signals takes signal numbers like 0,2; got ${v}`);
  return list.map(Number);
}

/** Text for samples [a, b) of a signal: digital integers, or physical values with invalid samples as null. */
function valuesText(sig: SignalData, phys: Float64Array | null, a: number, b: number): string {
  if (!phys) return sig.digital.subarray(a, b).join(",");
  return phys.subarray(a, b).join(",").replace(/NaN/g, "null");
}

async function writeJson(rec: WfdbRecord, physical: boolean): Promise<void> {
  const meta = {
    record: rec.header.recordName,
    fs: rec.fs,
    from: rec.from,
    to: rec.to,
    units: physical ? "physical" : "digital",
    names: rec.signals.map((s) => s.name),
    signalUnits: rec.signals.map((s) => s.units),
    gain: rec.signals.map((s) => s.gain),
    baseline: rec.signals.map((s) => s.baseline),
    samplesPerFrame: rec.signals.map((s) => s.samplesPerFrame),
  };
  await write(JSON.stringify(meta).slice(0, -1) + ',"signals":[');
  for (const [i, sig] of rec.signals.entries()) {
    const phys = physical ? toPhysical(sig) : null;
    await write(i === 0 ? "[" : ",[");
    for (let a = 0; a < sig.digital.length; a += CHUNK) {
      const b = Math.min(sig.digital.length, a + CHUNK);
      await write((a === 0 ? "" : ",") + valuesText(sig, phys, a, b));
    }
    await write("]");
  }
  await write("]}\n");
}

async function writeCsv(rec: WfdbRecord, physical: boolean): Promise<void> {
  // Multi-frequency records are printed at the highest rate; slower signals repeat their sample.
  const top = Math.max(1, ...rec.signals.map((s) => s.samplesPerFrame));
  const phys = rec.signals.map((s) => (physical ? toPhysical(s) : null));
  const cols = rec.signals.map((s, i) => (physical ? phys[i]! : s.digital));
  const spf = rec.signals.map((s) => s.samplesPerFrame);
  await write([top === 1 ? "frame" : "sample", ...rec.signals.map((s) => csvField(s.name))].join(",") + "\n");
  const rows = (rec.to - rec.from) * top;
  const first = rec.from * top;
  let buf = "";
  for (let r = 0; r < rows; r++) {
    const f = Math.floor(r / top);
    const m = r - f * top;
    let line = String(first + r);
    for (let c = 0; c < cols.length; c++) {
      const v = cols[c][f * spf[c] + Math.floor((m * spf[c]) / top)];
      line += "," + (Number.isNaN(v) ? "" : v);
    }
    buf += line + "\n";
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = "";
    }
  }
  await write(buf);
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function register(program: Command): void {
  program
    .command("read <record>")
    .description(
      "print a record's samples (frames [from, to)); json: {fs, signals: [[every sample of every frame]...], ...}",
    )
    .option("--from <frame>", "first frame (default 0)")
    .option("--to <frame>", "end frame, exclusive (default: end of record)")
    .option("--physical", "physical units, (d - baseline) / gain; invalid samples empty/null (default)")
    .option("--digital", "digital (ADC) values as stored")
    .option("--signals <list>", "signal numbers to print, e.g. 0,2 (default: all)")
    .option("--format <fmt>", "csv or json", "csv")
    .action(
      action(async (record: string, opts: ReadCliOptions) => {
        if (opts.physical && opts.digital) throw new UserError("choose one of --physical and --digital");
        if (opts.format !== "csv" && opts.format !== "json")
          throw new UserError(`--format must be csv or json, not ${opts.format}`);
        process.stdout.on("error", (err: NodeJS.ErrnoException) => {
          if (err.code === "EPIPE") process.exit(0);
          throw err;
        });
        const rec = await readRecord(resolveRecord(record, program.opts().dataDir), {
          from: frameArg(opts.from, "from"),
          to: frameArg(opts.to, "to"),
          signals: signalsArg(opts.signals),
        });
        const physical = !opts.digital;
        if (opts.format === "json") await writeJson(rec, physical);
        else await writeCsv(rec, physical);
      }),
    );
}
