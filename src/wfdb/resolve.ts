import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

/** Environment variable naming the default data directory for record names. */
export const DATA_ENV = "ARRHYTHMIA_VISION_DATA";

/**
 * Resolves a record argument to a path without extension.
 * `rec` may be a path (`../shared/mitdb/100`, with or without `.hea`) or a bare record name looked up in
 * `dataDir`, then in `$ARRHYTHMIA_VISION_DATA`. Returns the first candidate whose `.hea` exists, else the
 * argument itself (so the reader can report the missing header clearly).
 */
export function resolveRecord(rec: string, dataDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = rec.endsWith(".hea") ? rec.slice(0, -4) : rec;
  const candidates = [base];
  if (!isAbsolute(base)) {
    if (dataDir) candidates.push(join(dataDir, base));
    const fromEnv = env[DATA_ENV];
    if (fromEnv) candidates.push(join(fromEnv, base));
  }
  for (const c of candidates) if (existsSync(c + ".hea")) return resolve(c);
  return base;
}
