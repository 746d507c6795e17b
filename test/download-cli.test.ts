import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { MITDB, needShared } from "./shared.js";
import { startFakePhysioNet } from "./fake-physionet.js";

// The server lives in this process, so the CLI must run asynchronously (spawnSync would block it).
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["dist/src/cli/main.js", ...args]);
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const kill = setTimeout(() => p.kill(), 60_000);
    p.on("close", (status) => {
      clearTimeout(kill);
      resolve({ status, stdout, stderr });
    });
  });
}

function files(): Map<string, Buffer> {
  const m = new Map<string, Buffer>([["RECORDS", Buffer.from("100\n")]]);
  for (const ext of ["hea", "dat", "atr"]) m.set(`100.${ext}`, readFileSync(join(MITDB, `100.${ext}`)));
  return m;
}

test("download command: JSON summary, files in --dest", { skip: needShared() }, async () => {
  const srv = await startFakePhysioNet({ files: files(), cutOnce: ["100.dat"] });
  try {
    const dest = mkdtempSync(join(tmpdir(), "av-dlcli-"));
    const r = await run(["download", "mitdb", "--dest", dest, "--base-url", srv.url, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { files: number; verified: number };
    assert.equal(s.files, 4);
    assert.equal(s.verified, 4);
    assert.ok(readFileSync(join(dest, "100.dat")).equals(readFileSync(join(MITDB, "100.dat"))));
  } finally {
    await srv.close();
  }
});

test(
  "download command: a checksum mismatch is one line on stderr, non-zero exit",
  { skip: needShared() },
  async () => {
    const srv = await startFakePhysioNet({ files: files(), corrupt: ["100.hea"] });
    try {
      const dest = mkdtempSync(join(tmpdir(), "av-dlcli-"));
      const r = await run(["download", "mitdb", "--dest", dest, "--base-url", srv.url]);
      assert.notEqual(r.status, 0);
      const last = r.stderr.trim().split("\n").pop() ?? "";
      assert.match(last, /^arrhythmia-vision: SHA-256 mismatch for .*100\.hea/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    } finally {
      await srv.close();
    }
  },
);

test("--version before a command prints the program version; after `download` it is the database version", async () => {
  const v = await run(["--version"]);
  assert.equal(v.status, 0);
  assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+$/);
  // Nothing listens on port 9 of 127.0.0.1: the command must fail (it did not print the program version).
  const d = await run([
    "download",
    "mitdb",
    "--version",
    "9.9.9",
    "--base-url",
    "http://127.0.0.1:9/",
    "--dest",
    mkdtempSync(join(tmpdir(), "av-dlcli-")),
  ]);
  assert.notEqual(d.status, 0);
  assert.match(d.stderr, /^arrhythmia-vision: cannot fetch http:\/\/127\.0\.0\.1:9\/SHA256SUMS\.txt/m);
});

test("download command: without --dest, files go to --data-dir", { skip: needShared() }, async () => {
  const srv = await startFakePhysioNet({ files: files() });
  try {
    const dataDir = mkdtempSync(join(tmpdir(), "av-dlcli-"));
    const r = await run([
      "--data-dir",
      dataDir,
      "download",
      "mitdb",
      "--base-url",
      srv.url,
      "--records",
      "100",
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /mitdb: 4 files in .* \(4 downloaded, 0 resumed, 0 already there; all SHA-256 verified\)/,
    );
    assert.ok(readFileSync(join(dataDir, "100.hea")).equals(readFileSync(join(MITDB, "100.hea"))));
  } finally {
    await srv.close();
  }
});
