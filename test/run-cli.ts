// Runs the built CLI as a user would, for tests. Every run has a time limit, so a command that hangs fails its
// test with a clear message instead of stalling the whole suite (a synchronous spawn blocks node:test's own
// timeouts).
import { spawnSync, type SpawnSyncReturns } from "node:child_process";

export const BIN = "dist/src/cli/main.js";

export function runCli(args: readonly string[], timeoutMs = 180_000): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    timeout: timeoutMs,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT")
    throw new Error(`arrhythmia-vision ${args.join(" ")} did not finish within ${timeoutMs / 1000} s`);
  return r;
}
