import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The model used when none is given: V1 trained inter-patient (DS1) on the AAMI classes. */
export const DEFAULT_MODEL_NAME = "v1-aami-inter";

/**
 * The default model directory: `models/v1-aami-inter` in the current directory if it exists, else the one
 * shipped in the package (beside dist/).
 */
export function defaultModelDir(cwd = process.cwd()): string {
  const local = resolve(cwd, "models", DEFAULT_MODEL_NAME);
  if (existsSync(local)) return local;
  // dist/src/analyze/default-model.js -> package root
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
  return join(root, "models", DEFAULT_MODEL_NAME);
}
