import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// A child process opens a session through loadOrt and prints its pid; onnxruntime's telemetry, when on, leaves
// mat-debug-<pid>.log behind in $TMPDIR (else /tmp; onnxruntime-node 1.30, Linux).
const runtime = fileURLToPath(new URL("./runtime.js", import.meta.url));
const model = fileURLToPath(new URL("../../../../models/v2-aami-inter/model.onnx", import.meta.url));
const script = `
  const { createSession } = await import(${JSON.stringify(runtime)});
  const { readFileSync } = await import("node:fs");
  await createSession(readFileSync(${JSON.stringify(model)}));
  console.log(process.pid);`;

function telemetryFileOf(env: NodeJS.ProcessEnv): boolean {
  const pid = execFileSync(process.execPath, ["--input-type=module", "-e", script], { env })
    .toString()
    .trim();
  const files = [tmpdir(), "/tmp"].map((d) => join(d, `mat-debug-${pid}.log`));
  const found = files.some((f) => existsSync(f));
  for (const f of files) rmSync(f, { force: true });
  return found;
}

test(
  "onnxruntime telemetry is off unless the user turns it on (no mat-debug-<pid>.log in the temp folder)",
  { skip: process.platform !== "linux" && "the telemetry log file is a Linux build's" },
  () => {
    const { ORT_DISABLE_TELEMETRY: _, ...env } = process.env;
    assert.equal(telemetryFileOf(env), false, "loadOrt left onnxruntime's telemetry on");
    // The user's own setting wins, and shows the check can fail: with it on, the file appears.
    assert.equal(
      telemetryFileOf({ ...env, ORT_DISABLE_TELEMETRY: "0" }),
      true,
      "ORT_DISABLE_TELEMETRY=0 left no telemetry file: has onnxruntime-node changed? (re-check runtime.ts)",
    );
  },
);
