// Which signal of a record is "the lead" a model reads: by name (a signal description such as "MLII"),
// falling back to a signal number when the record has no signal of that name, or by number (old models).
import { WfdbError } from "./errors.js";
import { readHeader, type Header } from "./header.js";
import { readRecord } from "./record.js";

/** A signal name (compared trimmed, case-insensitively) or a signal number. */
export type LeadSpec = string | number;

/** The signal chosen for a lead spec. */
export interface LeadChoice {
  /** Signal number in the header. */
  index: number;
  /** That signal's description (trimmed). */
  name: string;
  /** What was asked for. */
  wanted: LeadSpec;
  /** True when `wanted` is a name the record has no signal of and `index` is the fallback number. */
  fellBack: boolean;
}

const norm = (s: string): string => s.trim().toLowerCase();

/**
 * The signal of a record (its signal descriptions `names`, in header order) that `spec` asks for: a name
 * picks the first signal of that name, else signal `fallback`; a number picks that signal. Pure.
 */
export function chooseLead(names: readonly string[], spec: LeadSpec, fallback = 0): LeadChoice {
  const pick = (index: number, fellBack: boolean): LeadChoice => {
    if (!(Number.isInteger(index) && index >= 0 && index < names.length))
      throw new WfdbError(
        "range",
        `signal ${index}${fellBack ? ` (the fallback for "${spec}")` : ""} is not in the record ` +
          `(${names.length} signal(s)${names.length ? `: ${names.map((n) => n.trim()).join(", ")}` : ""})`,
      );
    return { index, name: names[index].trim(), wanted: spec, fellBack };
  };
  if (typeof spec === "number") return pick(spec, false);
  const at = names.findIndex((n) => norm(n) === norm(spec));
  return at >= 0 ? pick(at, false) : pick(fallback, true);
}

/** One line saying a lead was not found by name and which signal was read instead; undefined if found. */
export function leadFallbackNote(c: LeadChoice, record?: string): string | undefined {
  if (!c.fellBack) return undefined;
  const where = record === undefined ? "the record" : record;
  return `${where} has no signal named "${String(c.wanted).trim()}": read signal ${c.index} (${c.name || "unnamed"}) instead`;
}

/**
 * The signal descriptions of a record (path without extension), in header order; multi-segment too. `header`:
 * the record's header when the caller has read it already.
 */
export async function signalNames(recordPath: string, header?: Header): Promise<string[]> {
  header ??= await readHeader(recordPath);
  if (!header.segments) return header.signals.map((s) => s.description);
  return (await readRecord(recordPath, { from: 0, to: 0 })).signals.map((s) => s.name);
}

/** chooseLead for the record at `recordPath` (path without extension); errors name the record. */
export async function resolveLead(
  recordPath: string,
  spec: LeadSpec,
  fallback = 0,
  header?: Header,
): Promise<LeadChoice> {
  const names = await signalNames(recordPath, header);
  try {
    return chooseLead(names, spec, fallback);
  } catch (err) {
    throw err instanceof WfdbError ? new WfdbError(err.kind, `${recordPath}: ${err.message}`) : err;
  }
}
