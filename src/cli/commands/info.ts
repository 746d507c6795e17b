import type { Command } from "commander";
import { action, printJson } from "../run.js";
import { readHeader, resolveRecord, type Header, type SignalSpec } from "../../wfdb/index.js";

function duration(frames: number, fs: number): string {
  const s = frames / fs;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = (s % 60).toFixed(3).padStart(6, "0");
  return `${h > 0 ? `${h}:` : ""}${String(m).padStart(h > 0 ? 2 : 1, "0")}:${sec}`;
}

function signalLines(s: SignalSpec, i: number): string[] {
  return [
    `signal ${i}: ${s.description || "(no description)"}`,
    `  file ${s.fileName}, format ${s.format}, ${s.samplesPerFrame} sample(s) per frame, skew ${s.skew}, byte offset ${s.byteOffset}`,
    `  gain ${s.gain} adu/${s.units}, baseline ${s.baseline}, ADC ${s.adcResolution} bits, ADC zero ${s.adcZero}`,
    `  initial value ${s.initValue}, checksum ${s.checksum ?? "(none)"}, block size ${s.blockSize}`,
  ];
}

/** Every header field, readable. */
export function describeHeader(h: Header): string {
  const out = [`record ${h.recordName}`];
  let freq = `frame frequency ${h.fs} Hz`;
  if (h.counterFreq !== undefined) freq += `, counter frequency ${h.counterFreq} Hz`;
  if (h.baseCounter !== undefined) freq += `, base counter ${h.baseCounter}`;
  out.push(freq);
  out.push(
    h.nSamples === undefined
      ? "length: not given (taken from the signal files)"
      : `length ${h.nSamples} frames (${duration(h.nSamples, h.fs)})`,
  );
  if (h.baseTime !== undefined) out.push(`base time ${h.baseTime}`);
  if (h.baseDate !== undefined) out.push(`base date ${h.baseDate}`);
  out.push(`${h.nSignals} signal(s)`);
  if (h.segments) {
    out.push(`${h.segments.length} segment(s):`);
    for (const s of h.segments)
      out.push(`  ${s.name === "~" ? "~ (null segment)" : s.name} ${s.nSamples} frames`);
  }
  h.signals.forEach((s, i) => out.push(...signalLines(s, i)));
  if (h.comments.length) out.push("comments:", ...h.comments.map((c) => `  #${c}`));
  return out.join("\n");
}

export function register(program: Command): void {
  program
    .command("info <record>")
    .description("print every field of a record's header (--json: the Header object)")
    .option("--json", "print the Header object as JSON")
    .action(
      action(async (record: string, opts: { json?: boolean }) => {
        process.stdout.on("error", (err: NodeJS.ErrnoException) => {
          if (err.code === "EPIPE") process.exit(0);
          throw err;
        });
        const h = await readHeader(resolveRecord(record, program.opts().dataDir));
        if (opts.json) printJson(h);
        else process.stdout.write(describeHeader(h) + "\n");
      }),
    );
}
