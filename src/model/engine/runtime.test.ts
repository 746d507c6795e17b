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
  console.log(process.pid, process.env.ORT_DISABLE_TELEMETRY);`;

/** The setting the session ran with, and whether it left a telemetry file behind. */
function telemetryOf(env: NodeJS.ProcessEnv): { setting: string; file: boolean } {
  const [pid = "", setting = ""] = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env,
  })
    .toString()
    .trim()
    .split(" ");
  const files = [tmpdir(), "/tmp"].map((d) => join(d, `mat-debug-${pid}.log`));
  const file = files.some((f) => existsSync(f));
  for (const f of files) rmSync(f, { force: true });
  return { setting, file };
}

test(
  "onnxruntime telemetry is off unless the user turns it on (no mat-debug-<pid>.log in the temp folder)",
  { skip: process.platform !== "linux" && "the telemetry log file is a Linux build's" },
  (t) => {
    const { ORT_DISABLE_TELEMETRY: _, ...env } = process.env;
    const off = telemetryOf(env);
    const on = telemetryOf({ ...env, ORT_DISABLE_TELEMETRY: "0" });
    assert.equal(off.setting, "1", "loadOrt did not turn onnxruntime's telemetry off");
    assert.equal(on.setting, "0", "loadOrt overrode the user's own ORT_DISABLE_TELEMETRY");
    assert.equal(off.file, false, "a session left onnxruntime's telemetry file behind");
    // The control: with telemetry on, the file appears where onnxruntime can write it (machines without
    // /etc/machine-id, or with a read-only temp folder, write none, and there the file check shows nothing).
    if (!on.file)
      t.diagnostic(
        "ORT_DISABLE_TELEMETRY=0 left no telemetry file here: the file check is not shown to bite on this machine",
      );
  },
);
