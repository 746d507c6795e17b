// Where the shared data lives for tests: ../shared beside the project root (CI lays it there).
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const SHARED = resolve(process.env.AV_SHARED ?? "../shared");
export const MITDB = resolve(SHARED, "mitdb");
export const CONFORMANCE = resolve(SHARED, "wfdb-conformance");
export const hasShared = existsSync(resolve(MITDB, "RECORDS"));

/** Use as `test(name, { skip: needShared() }, fn)`: skips loudly when ../shared is absent. */
export function needShared(): string | false {
  if (hasShared) return false;
  const msg = `SKIPPED: ../shared/mitdb not found at ${MITDB}`;
  process.stderr.write(msg + "\n");
  return msg;
}
