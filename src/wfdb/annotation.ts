// MIT-format annotation files (WFDB annot(5)): a stream of little-endian 16-bit words, each a 6-bit code
// (bits 10-15) and 10 bits of data. Codes 1-49 are annotations whose data is the time since the previous
// annotation; 59-63 are pseudo-codes: SKIP (a signed 32-bit interval follows, high word first), NUM, SUB,
// CHN (the data is the value) and AUX (the data's low byte is a length; that many bytes follow, padded to
// an even count). A zero word ends the file. Reading follows wfdb-python's rdann: CHN and NUM carry over to
// later annotations, SUB and AUX do not; code-0 annotations and the NOTE annotations at sample 0 (file
// definitions) are dropped unless `keepAll` is set.
import { readFile } from "node:fs/promises";
import { codeToSymbol } from "./annotation-codes.js";
import { WfdbError } from "./errors.js";

export interface Annotation {
  /** Frame number (may exceed 2^32). */
  sample: number;
  code: number;
  /** Standard or file-defined mnemonic; "" for a code without one. */
  symbol: string;
  subtype: number;
  chan: number;
  num: number;
  /** Auxiliary bytes as a latin1 string ("" if none), kept verbatim (e.g. "(N\0"). */
  aux: string;
}

export interface ParseAnnotationOptions {
  /** Keep code-0 annotations and the definition NOTEs at sample 0 (for an exact rewrite). Default false. */
  keepAll?: boolean;
}

/** The pseudo-codes of the MIT annotation format. */
export const PSEUDO = { SKIP: 59, NUM: 60, SUB: 61, CHN: 62, AUX: 63 } as const;
const { SKIP, NUM, SUB, CHN } = PSEUDO;
const NOTE = 22;

const int8 = (v: number): number => ((v & 0xff) << 24) >> 24;

function truncated(at: number, what: string): WfdbError {
  return new WfdbError("truncated", `annotation file truncated: ${what} at byte ${at} runs past the end`);
}

/** Decodes every annotation of an MIT-format annotation file. Throws WfdbError on malformed input. */
export function parseAnnotations(bytes: Uint8Array, opts: ParseAnnotationOptions = {}): Annotation[] {
  const all: Annotation[] = [];
  const n = bytes.length;
  let pos = 0;
  let time = 0;
  let chan = 0;
  let num = 0;
  let cur: Annotation | undefined;
  for (;;) {
    if (pos + 2 > n) {
      throw new WfdbError("truncated", `annotation file truncated: no end marker in its ${n} bytes`);
    }
    const at = pos;
    const word = bytes[pos] | (bytes[pos + 1] << 8);
    pos += 2;
    if (word === 0) break;
    const code = word >> 10;
    const data = word & 0x3ff;
    if (code === SKIP) {
      if (pos + 4 > n) throw truncated(at, "a SKIP");
      const hi = bytes[pos] | (bytes[pos + 1] << 8);
      const lo = bytes[pos + 2] | (bytes[pos + 3] << 8);
      time += (hi << 16) | lo | 0; // signed 32-bit interval
      pos += 4;
      continue;
    }
    if (code < SKIP) {
      time += data;
      if (time < 0 || !Number.isSafeInteger(time)) {
        throw new WfdbError("annotation", `annotation at byte ${at} has an invalid sample number ${time}`);
      }
      cur = { sample: time, code, symbol: codeToSymbol(code), subtype: 0, chan, num, aux: "" };
      all.push(cur);
      continue;
    }
    if (!cur) {
      throw new WfdbError(
        "annotation",
        `annotation file: pseudo-code ${code} at byte ${at} precedes any annotation`,
      );
    }
    if (code === NUM) cur.num = num = int8(data);
    else if (code === SUB) cur.subtype = int8(data);
    else if (code === CHN) cur.chan = chan = data & 0xff;
    else {
      const len = data & 0xff;
      if (pos + len > n) throw truncated(at, `an AUX string of ${len} bytes`);
      cur.aux = latin1(bytes, pos, len);
      pos += len + (len & 1);
    }
  }
  return opts.keepAll ? all : dropSpecial(all);
}

function latin1(bytes: Uint8Array, start: number, len: number): string {
  let s = "";
  for (let i = start; i < start + len; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/**
 * Removes code-0 annotations and definition NOTEs at sample 0, applying any custom labels the
 * definitions declare ("## annotation type definitions" ... "## end of definitions").
 */
function dropSpecial(all: Annotation[]): Annotation[] {
  const custom = new Map<number, string>();
  let inDefs = false;
  for (const a of all) {
    if (a.sample !== 0 || a.code !== NOTE) continue;
    if (a.aux === "## annotation type definitions") inDefs = true;
    else if (a.aux === "## end of definitions") inDefs = false;
    else if (inDefs) {
      const m = /^(\d+) (\S+) .+/.exec(a.aux);
      if (m) custom.set(Number(m[1]), m[2]);
    }
  }
  const out: Annotation[] = [];
  for (const a of all) {
    if (a.code === 0 || (a.code === NOTE && a.sample === 0)) continue;
    const sym = custom.get(a.code);
    out.push(sym === undefined ? a : { ...a, symbol: sym });
  }
  return out;
}

/** Reads `<recordPath>.<ext>` (e.g. readAnnotations("mitdb/100", "atr")). */
export async function readAnnotations(
  recordPath: string,
  ext: string,
  opts: ParseAnnotationOptions = {},
): Promise<Annotation[]> {
  const path = `${recordPath}.${ext}`;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new WfdbError("not-found", `annotation file not found: ${path}`);
    throw new WfdbError("io", `cannot read annotation file ${path}: ${(err as Error).message}`);
  }
  try {
    return parseAnnotations(bytes, opts);
  } catch (err) {
    if (err instanceof WfdbError) throw new WfdbError(err.kind, `${path}: ${err.message}`);
    throw err;
  }
}
