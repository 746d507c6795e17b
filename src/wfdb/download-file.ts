// One file over HTTP(S), resumable: bytes go to `<dest>.part`; an existing `.part` is continued with an
// HTTP Range request; a cut-off transfer is retried from where it stopped; the `.part` is renamed to
// `<dest>` only once complete (and, when a SHA-256 is known, verified).
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { WfdbError } from "./errors.js";

export interface FetchFileOptions {
  /** Expected SHA-256 (hex); verified when given. */
  sha256?: string;
  /** Attempts per file when a transfer breaks off (default 5). */
  attempts?: number;
  /** Delay before retry k is k * retryDelayMs (default 500). */
  retryDelayMs?: number;
  /** Abort a transfer after this long without data (default 30 s). */
  idleTimeoutMs?: number;
  /** Called as bytes arrive: bytes on disk so far and the total if known. */
  onBytes?: (done: number, total: number | undefined) => void;
}

export type FetchOutcome = "downloaded" | "resumed" | "skipped";

export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** "fetch failed" says little: add the cause (ECONNREFUSED, ENOTFOUND, ...). */
export function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Streams one response into `part`, continuing from byte `from` if the server honours the Range. */
async function transfer(
  url: string,
  part: string,
  from: number,
  opts: FetchFileOptions,
): Promise<"complete" | "broken"> {
  const ctrl = new AbortController();
  const idle = opts.idleTimeoutMs ?? 30_000;
  let timer = setTimeout(() => ctrl.abort(), idle);
  // Identity encoding: byte ranges and Content-Length then count the file's own bytes.
  const headers: Record<string, string> = { "Accept-Encoding": "identity" };
  if (from > 0) headers.Range = `bytes=${from}-`;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: ctrl.signal });
  } catch (err) {
    clearTimeout(timer);
    throw new WfdbError("io", `cannot fetch ${url}: ${describeFetchError(err)}`);
  }
  const discard = () => res.body?.cancel().catch(() => undefined);
  try {
    if (res.status === 416 && from > 0) {
      await discard();
      // Nothing left to send: the part is whole if its size is the file's, else start over.
      const size = /\/(\d+)$/.exec(res.headers.get("content-range") ?? "")?.[1];
      if (size !== undefined && Number(size) === from) return "complete";
      await unlink(part);
      return "broken";
    }
    if (res.status !== 200 && res.status !== 206) {
      await discard();
      if (res.status === 404) throw new WfdbError("not-found", `${url}: 404 not found`);
      throw new WfdbError("io", `${url}: HTTP ${res.status}`);
    }
    const append = res.status === 206;
    const start = append ? from : 0;
    const len = Number(res.headers.get("content-length") ?? NaN);
    const total = Number.isFinite(len) ? start + len : undefined;
    const out = createWriteStream(part, { flags: append ? "a" : "w" });
    let writeError: Error | undefined;
    const closed = new Promise<void>((resolve) => {
      out.on("close", resolve);
      out.on("error", (err) => {
        writeError = err;
        resolve();
      });
    });
    const drained = () =>
      new Promise<void>((resolve) => {
        out.once("drain", resolve);
        out.once("error", () => resolve());
      });
    let done = start;
    let broken = false;
    try {
      if (res.body) {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          clearTimeout(timer);
          timer = setTimeout(() => ctrl.abort(), idle);
          if (writeError) break;
          if (!out.write(chunk)) await drained();
          done += chunk.length;
          opts.onBytes?.(done, total);
        }
      }
    } catch {
      broken = true; // connection cut or idle timeout: resume from what reached the disk
    } finally {
      out.end();
      await closed;
    }
    if (writeError) {
      await discard();
      throw new WfdbError("io", `cannot write ${part}: ${writeError.message}`);
    }
    if (!broken && total !== undefined && done < total) broken = true;
    return broken ? "broken" : "complete";
  } finally {
    clearTimeout(timer);
  }
}

/** Downloads `url` to `dest` unless a complete `dest` is already there. */
export async function fetchFile(
  url: string,
  dest: string,
  opts: FetchFileOptions = {},
): Promise<FetchOutcome> {
  if ((await sizeOf(dest)) !== undefined) {
    if (!opts.sha256 || (await sha256File(dest)) === opts.sha256) return "skipped";
    await unlink(dest); // stale or damaged copy: fetch it again
  }
  await mkdir(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const attempts = opts.attempts ?? 5;
  let resumed = false;
  let restarted = false;
  for (let k = 1; ; k++) {
    const have = (await sizeOf(part)) ?? 0;
    if (have > 0) resumed = true;
    const r = await transfer(url, part, have, opts);
    if (r === "broken") {
      if (k >= attempts)
        throw new WfdbError("io", `${url}: transfer kept breaking off (${attempts} attempts)`);
      await sleep(k * (opts.retryDelayMs ?? 500));
      continue;
    }
    if (opts.sha256) {
      const got = await sha256File(part);
      if (got !== opts.sha256) {
        await unlink(part);
        if (resumed && !restarted) {
          restarted = true; // the kept part may have been stale: one clean retry
          resumed = false;
          continue;
        }
        throw new WfdbError(
          "checksum",
          `SHA-256 mismatch for ${url}: expected ${opts.sha256}, got ${got} (file removed; run again to retry)`,
        );
      }
    }
    await rename(part, dest);
    return resumed ? "resumed" : "downloaded";
  }
}

/** GETs a small text file; undefined on 404. */
export async function fetchText(url: string, timeoutMs = 30_000): Promise<string | undefined> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new WfdbError("io", `cannot fetch ${url}: ${describeFetchError(err)}`);
  }
  if (res.status === 404) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!res.ok) throw new WfdbError("io", `${url}: HTTP ${res.status}`);
  try {
    return await res.text();
  } catch (err) {
    throw new WfdbError("io", `cannot fetch ${url}: ${describeFetchError(err)}`);
  }
}
