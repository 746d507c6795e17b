// Never silent about the lead: a record read at a fallback signal (no signal of the model's lead name) is
// said on stderr, whatever else goes to stdout.
import { leadFallbackNote, type LeadChoice } from "../wfdb/index.js";

/** Writes `<record> has no signal named "MLII": read signal 0 (V5) instead` to stderr when it fell back. */
export function warnLeadFallback(lead: LeadChoice | undefined, record: string): void {
  const note = lead && leadFallbackNote(lead, record);
  if (note) process.stderr.write(`arrhythmia-vision: warning: ${note}\n`);
}

/** One stderr line for the records of a dataset that fell back (none: nothing). */
export function warnDatasetFallbacks(fallbacks: readonly ({ record: string } & LeadChoice)[]): void {
  if (fallbacks.length === 0) return;
  process.stderr.write(`arrhythmia-vision: warning: ${datasetFallbackLine(fallbacks)}\n`);
}

/** `no signal named "MLII" in 102, 104: read signal 0 instead (V5, V5)`. */
export function datasetFallbackLine(fallbacks: readonly ({ record: string } & LeadChoice)[]): string {
  const wanted = String(fallbacks[0]?.wanted ?? "").trim();
  const byIndex = new Map<number, ({ record: string } & LeadChoice)[]>();
  for (const f of fallbacks) byIndex.set(f.index, [...(byIndex.get(f.index) ?? []), f]);
  return [...byIndex]
    .map(
      ([i, fs]) =>
        `no signal named "${wanted}" in ${fs.map((f) => f.record).join(", ")}: read signal ${i} instead ` +
        `(${fs.map((f) => f.name || "unnamed").join(", ")})`,
    )
    .join("; ");
}
