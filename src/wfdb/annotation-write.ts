// Encodes annotations in the MIT format exactly as the WFDB C library's putann() does, so that reading a
// file written by WFDB and writing it back gives the same bytes: a SKIP before an interval outside
// 0..1023 (split into signed 32-bit steps for sample numbers beyond 2^31), SUB when the subtype is not 0,
// CHN and NUM when they differ from the previous annotation's, AUX when there is auxiliary text (padded to
// an even length with a zero byte), and a zero word at the end.
import type { Annotation } from "./annotation.js";
import { PSEUDO } from "./annotation.js";
import { writeFileAtomic } from "./atomic.js";
import { WfdbError } from "./errors.js";

const { SKIP, NUM, SUB, CHN, AUX } = PSEUDO;
const MAX_STEP = 0x7fffffff;

class ByteSink {
  private buf = new Uint8Array(1024);
  length = 0;
  private reserve(k: number): void {
    if (this.length + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + k));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  word(w: number): void {
    this.reserve(2);
    this.buf[this.length++] = w & 0xff;
    this.buf[this.length++] = (w >> 8) & 0xff;
  }
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function skip(out: ByteSink, interval: number, force: boolean): void {
  let left = interval;
  while (left !== 0 || force) {
    const step = Math.max(-MAX_STEP, Math.min(MAX_STEP, left));
    out.word(SKIP << 10);
    out.word((step >>> 16) & 0xffff);
    out.word(step & 0xffff);
    left -= step;
    force = false;
  }
}

function check(a: Annotation, i: number): void {
  const bad = (what: string) => new WfdbError("annotation", `annotation ${i}: ${what}`);
  if (!Number.isSafeInteger(a.sample) || a.sample < 0) throw bad(`invalid sample ${a.sample}`);
  if (!Number.isInteger(a.code) || a.code < 0 || a.code >= SKIP) throw bad(`invalid code ${a.code}`);
  if (!Number.isInteger(a.subtype) || a.subtype < -128 || a.subtype > 127)
    throw bad(`invalid subtype ${a.subtype}`);
  if (!Number.isInteger(a.chan) || a.chan < 0 || a.chan > 255) throw bad(`invalid chan ${a.chan}`);
  if (!Number.isInteger(a.num) || a.num < -128 || a.num > 127) throw bad(`invalid num ${a.num}`);
  if (a.aux.length > 255) throw bad(`aux longer than 255 bytes`);
  for (let k = 0; k < a.aux.length; k++) if (a.aux.charCodeAt(k) > 0xff) throw bad("aux is not latin1 text");
}

/** The bytes of an MIT-format annotation file holding `anns` (in the given order). */
export function encodeAnnotations(anns: readonly Annotation[]): Uint8Array {
  const out = new ByteSink();
  let time = 0;
  let chan = 0;
  let num = 0;
  anns.forEach((a, i) => {
    check(a, i);
    let delta = a.sample - time;
    if (a.code === 0) {
      // A code-0 word with interval 0 would read as the end marker: SKIP to just before it (as putann).
      skip(out, delta - 1, true);
      delta = 1;
    } else if (delta > 1023 || delta < 0) {
      skip(out, delta, false);
      delta = 0;
    }
    out.word((a.code << 10) | delta);
    if (a.subtype !== 0) out.word((SUB << 10) | (a.subtype & 0x3ff));
    if (a.chan !== chan) out.word((CHN << 10) | (a.chan & 0x3ff));
    if (a.num !== num) out.word((NUM << 10) | (a.num & 0x3ff));
    if (a.aux.length > 0) {
      out.word((AUX << 10) | a.aux.length);
      for (let k = 0; k < a.aux.length; k++) out.byte(a.aux.charCodeAt(k));
      if (a.aux.length & 1) out.byte(0);
    }
    time = a.sample;
    chan = a.chan;
    num = a.num;
  });
  out.word(0);
  return out.bytes();
}

/** Writes `anns` to `path` (temp file + rename). */
export async function writeAnnotations(path: string, anns: readonly Annotation[]): Promise<void> {
  await writeFileAtomic(path, encodeAnnotations(anns));
}
