import { randomBytes } from "node:crypto";
import { rename, unlink, writeFile } from "node:fs/promises";
import { WfdbError } from "./errors.js";

/** A sibling temporary name for `path` (same directory, so rename is atomic). */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** Writes `data` to `path` through a temporary file and a rename: never a half-written `path`. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new WfdbError("io", `cannot write ${path}: ${(err as Error).message}`);
  }
}
