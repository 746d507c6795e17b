import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { MITDB, needShared } from "../../test/shared.js";
import { startFakePhysioNet } from "../../test/fake-physionet.js";
import { databaseUrl, downloadDatabase, filesOfHeader, parseSha256Sums } from "./download.js";
import { fetchFile } from "./download-file.js";
import { WfdbError } from "./errors.js";

const RECS = ["100", "101"];

function mitdbFiles(): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  m.set("RECORDS", Buffer.from(RECS.join("\n") + "\n"));
  m.set("ANNOTATORS", Buffer.from("atr\treference beat, rhythm, and signal quality annotations\n"));
  for (const r of RECS)
    for (const ext of ["hea", "dat", "atr"]) m.set(`${r}.${ext}`, readFileSync(join(MITDB, `${r}.${ext}`)));
  return m;
}

const tmp = () => mkdtempSync(join(tmpdir(), "av-dl-"));
const fast = { retryDelayMs: 0, idleTimeoutMs: 5000 };

function assertSameFiles(dest: string, files: Map<string, Buffer>): void {
  for (const [name, body] of files) assert.ok(readFileSync(join(dest, name)).equals(body), `${name} differs`);
  assert.deepEqual(
    readdirSync(dest).filter((f) => f.endsWith(".part")),
    [],
    "no .part files left",
  );
}

test(
  "downloads with checksums, resumes a cut-off transfer with Range, then skips complete files",
  { skip: needShared() },
  async () => {
    const files = mitdbFiles();
    const srv = await startFakePhysioNet({ files, cutOnce: ["100.dat"] });
    try {
      const dest = tmp();
      const res = await downloadDatabase("mitdb", { dest, baseUrl: srv.url, ...fast });
      assert.equal(res.checksums, true);
      assert.equal(res.files.length, files.size);
      assert.ok(res.files.every((f) => f.verified));
      assert.equal(res.files.find((f) => f.name === "100.dat")?.outcome, "resumed");
      assertSameFiles(dest, files);
      const half = files.get("100.dat")!.length >> 1;
      // The server cuts the first transfer after half the body; how much of it reaches the client before the
      // connection drops depends on timing, so the resume may start anywhere in (0, half].
      const resumedAt = srv.requests
        .filter((r) => r.name === "100.dat" && r.range)
        .map((r) => Number(/^bytes=(\d+)-$/.exec(r.range!)?.[1]));
      assert.ok(
        resumedAt.length === 1 && resumedAt[0] > 0 && resumedAt[0] <= half,
        `resumed with Range (${resumedAt})`,
      );

      srv.requests.length = 0;
      const again = await downloadDatabase("mitdb", { dest, baseUrl: srv.url, ...fast });
      assert.ok(again.files.every((f) => f.outcome === "skipped"));
      assert.deepEqual(
        srv.requests.map((r) => r.name),
        ["SHA256SUMS.txt"],
      );
    } finally {
      await srv.close();
    }
  },
);

test("a .part left by an interrupted run is continued from its size", { skip: needShared() }, async () => {
  const files = mitdbFiles();
  const srv = await startFakePhysioNet({ files });
  try {
    const dest = tmp();
    writeFileSync(join(dest, "101.dat.part"), files.get("101.dat")!.subarray(0, 1000));
    const res = await downloadDatabase("mitdb", { dest, baseUrl: srv.url, records: ["101"], ...fast });
    assert.deepEqual(res.files.map((f) => f.name).sort(), [
      "101.atr",
      "101.dat",
      "101.hea",
      "ANNOTATORS",
      "RECORDS",
    ]);
    assert.equal(res.files.find((f) => f.name === "101.dat")?.outcome, "resumed");
    assert.ok(srv.requests.some((r) => r.name === "101.dat" && r.range === "bytes=1000-"));
    assert.ok(readFileSync(join(dest, "101.dat")).equals(files.get("101.dat")!));
  } finally {
    await srv.close();
  }
});

test(
  "a corrupted file fails with a clear checksum error and leaves no file behind",
  { skip: needShared() },
  async () => {
    const files = mitdbFiles();
    const srv = await startFakePhysioNet({ files, corrupt: ["100.atr"] });
    try {
      const dest = tmp();
      await assert.rejects(
        downloadDatabase("mitdb", { dest, baseUrl: srv.url, ...fast }),
        (e: unknown) =>
          e instanceof WfdbError &&
          e.kind === "checksum" &&
          /SHA-256 mismatch for .*100\.atr/.test(e.message),
      );
      assert.equal(existsSync(join(dest, "100.atr")), false);
      assert.equal(existsSync(join(dest, "100.atr.part")), false);
    } finally {
      await srv.close();
    }
  },
);

test(
  "without SHA256SUMS.txt the list comes from RECORDS, headers and ANNOTATORS",
  { skip: needShared() },
  async () => {
    const files = mitdbFiles();
    const srv = await startFakePhysioNet({ files, sha256sums: false, cutOnce: ["101.dat"] });
    try {
      const dest = tmp();
      const res = await downloadDatabase("mitdb", { dest, baseUrl: srv.url, ...fast });
      assert.equal(res.checksums, false);
      assert.deepEqual(res.files.map((f) => f.name).sort(), [...files.keys()].sort());
      assertSameFiles(dest, files);
    } finally {
      await srv.close();
    }
  },
);

test("a missing database gives a not-found WfdbError", async () => {
  const srv = await startFakePhysioNet({ files: new Map(), sha256sums: false });
  try {
    await assert.rejects(
      downloadDatabase("nodb", { dest: tmp(), baseUrl: srv.url, ...fast }),
      (e: unknown) => e instanceof WfdbError && e.kind === "not-found",
    );
  } finally {
    await srv.close();
  }
});

test("helpers: default URL, SHA256SUMS parsing, unsafe names, header file lists", () => {
  assert.equal(databaseUrl("mitdb", {}), "https://physionet.org/files/mitdb/1.0.0/");
  assert.equal(databaseUrl("nsrdb", { version: "1.0.0" }), "https://physionet.org/files/nsrdb/1.0.0/");
  assert.throws(() => databaseUrl("nsrdb", {}), WfdbError);
  assert.equal(databaseUrl("x", { baseUrl: "http://h/db" }), "http://h/db/");
  const h = "a".repeat(64);
  assert.deepEqual(parseSha256Sums(`${h}  100.dat\n${h} *x/1.hea\n`), [
    { name: "100.dat", sha256: h },
    { name: "x/1.hea", sha256: h },
  ]);
  assert.throws(() => parseSha256Sums("nonsense\n"), WfdbError);
  assert.deepEqual(
    filesOfHeader("100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200\n"),
    {
      signalFiles: ["100.dat"],
      segments: [],
    },
  );
  assert.deepEqual(filesOfHeader("041s/3 125 3000\n041s01 1000\n~ 500\n041s02 1000\n"), {
    signalFiles: [],
    segments: ["041s01", "041s02"],
  });
});

test("names escaping the destination are refused", async () => {
  const h = "b".repeat(64);
  const evil = await startFakePhysioNet({
    files: new Map([["SHA256SUMS.txt", Buffer.from(`${h}  ../evil.txt\n`)]]),
    sha256sums: false,
  });
  try {
    await assert.rejects(
      downloadDatabase("mitdb", { dest: tmp(), baseUrl: evil.url, ...fast }),
      (e: unknown) => e instanceof WfdbError && /unsafe/.test(e.message),
    );
  } finally {
    await evil.close();
  }
});

test("a file that cannot be written gives an io WfdbError (no hang, no raw error)", async () => {
  const srv = await startFakePhysioNet({
    files: new Map([["a.txt", Buffer.alloc(100_000, 7)]]),
    sha256sums: false,
  });
  try {
    const dest = tmp();
    mkdirSync(join(dest, "a.txt.part")); // the .part path is taken by a directory
    await assert.rejects(
      fetchFile(srv.url + "a.txt", join(dest, "a.txt"), fast),
      (e: unknown) =>
        e instanceof WfdbError && e.kind === "io" && /cannot write .*a\.txt\.part/.test(e.message),
    );
  } finally {
    await srv.close();
  }
});
