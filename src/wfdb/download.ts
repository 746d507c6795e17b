// Downloads a PhysioNet database (or any mirror laid out the same way) into a directory. The file list
// comes from SHA256SUMS.txt at the database root when the server publishes it (then every file is
// verified), else from RECORDS, each record's header (its signal files, and segment headers of
// multi-segment records) and ANNOTATORS (annotation files that exist). Files already complete are
// skipped, partial ones resumed (see download-file.ts).
import { join, normalize, isAbsolute, sep } from "node:path";
import { WfdbError } from "./errors.js";
import {
  describeFetchError,
  fetchFile,
  fetchText,
  type FetchFileOptions,
  type FetchOutcome,
} from "./download-file.js";

/** Latest published versions of databases we know; others need an explicit version. */
export const KNOWN_VERSIONS: Readonly<Record<string, string>> = { mitdb: "1.0.0" };

export interface RemoteFile {
  /** Path relative to the database root, "/"-separated. */
  name: string;
  sha256?: string;
}

export interface DownloadProgress {
  file: string;
  index: number;
  count: number;
  bytes: number;
  total?: number;
}

export interface DownloadOptions extends Omit<FetchFileOptions, "sha256" | "onBytes"> {
  /** Destination directory (created if absent). */
  dest: string;
  /** Database root URL; default https://physionet.org/files/<db>/<version>/. */
  baseUrl?: string;
  version?: string;
  /** Only files of these records (name or name.* and segment files), plus RECORDS/ANNOTATORS. */
  records?: string[];
  onProgress?: (p: DownloadProgress) => void;
}

export interface DownloadResult {
  baseUrl: string;
  dest: string;
  files: { name: string; outcome: FetchOutcome; verified: boolean }[];
  /** True when the server published checksums (every file verified). */
  checksums: boolean;
}

export function databaseUrl(db: string, opts: { baseUrl?: string; version?: string }): string {
  if (opts.baseUrl) return opts.baseUrl.endsWith("/") ? opts.baseUrl : opts.baseUrl + "/";
  if (!/^[A-Za-z0-9_-]+$/.test(db)) throw new WfdbError("io", `not a database name: ${db}`);
  const version = opts.version ?? KNOWN_VERSIONS[db];
  if (!version) {
    throw new WfdbError(
      "not-found",
      `no known version of '${db}': give one (see https://physionet.org/content/${db}/)`,
    );
  }
  return `https://physionet.org/files/${db}/${version}/`;
}

/** Parses SHA256SUMS.txt ("<hex>  <path>" per line). */
export function parseSha256Sums(text: string): RemoteFile[] {
  const out: RemoteFile[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t) continue;
    const m = /^([0-9a-fA-F]{64}) [ *]?(.+)$/.exec(t);
    if (!m) throw new WfdbError("io", `SHA256SUMS.txt: cannot parse line "${t.slice(0, 80)}"`);
    out.push({ name: m[2].replace(/^\.\//, ""), sha256: m[1].toLowerCase() });
  }
  return out;
}

/** The files a header names: its signal files, or the segment headers of a multi-segment record. */
export function filesOfHeader(text: string): { signalFiles: string[]; segments: string[] } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const signalFiles = new Set<string>();
  const segments: string[] = [];
  if (lines.length === 0) return { signalFiles: [], segments };
  const multi = /^\S+\/\d+/.test(lines[0]);
  for (const l of lines.slice(1)) {
    const name = l.split(/\s+/)[0];
    if (multi) {
      if (name !== "~") segments.push(name);
    } else if (name !== "~" && name !== "-") signalFiles.add(name);
  }
  return { signalFiles: [...signalFiles], segments };
}

/** A safe local path for a remote name: no absolute paths, no "..". */
function localPath(dest: string, name: string): string {
  const rel = normalize(name.split("/").join(sep));
  if (isAbsolute(rel) || rel.split(sep).includes("..") || rel === ".") {
    throw new WfdbError("io", `refusing unsafe file name from server: ${name}`);
  }
  return join(dest, rel);
}

async function listFromRecords(base: string): Promise<RemoteFile[]> {
  const records = await fetchText(base + "RECORDS");
  if (records === undefined)
    throw new WfdbError("not-found", `${base}: neither SHA256SUMS.txt nor RECORDS found`);
  const annotators = ((await fetchText(base + "ANNOTATORS")) ?? "")
    .split(/\r?\n/)
    .map((l) => l.split(/\s+/)[0])
    .filter((a) => a);
  const files: RemoteFile[] = [{ name: "RECORDS" }];
  if (annotators.length) files.push({ name: "ANNOTATORS" });
  const seen = new Set<string>();
  const add = (name: string) => {
    if (!seen.has(name)) {
      seen.add(name);
      files.push({ name });
    }
  };
  const addRecord = async (rec: string, depth: number): Promise<void> => {
    const dir = rec.includes("/") ? rec.slice(0, rec.lastIndexOf("/") + 1) : "";
    const hea = await fetchText(`${base}${rec}.hea`);
    if (hea === undefined) throw new WfdbError("not-found", `${base}${rec}.hea: 404 not found`);
    add(`${rec}.hea`);
    const { signalFiles, segments } = filesOfHeader(hea);
    for (const f of signalFiles) add(dir + f);
    if (depth < 2) for (const s of segments) await addRecord(dir + s, depth + 1);
  };
  for (const rec of records
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    await addRecord(rec, 0);
    for (const ann of annotators) {
      const res = await fetch(`${base}${rec}.${ann}`, {
        method: "HEAD",
        signal: AbortSignal.timeout(30_000),
      }).catch((err: unknown) => {
        throw new WfdbError("io", `cannot fetch ${base}${rec}.${ann}: ${describeFetchError(err)}`);
      });
      if (res.ok) add(`${rec}.${ann}`);
    }
  }
  return files;
}

/** Lists the database's files: SHA256SUMS.txt if published, else RECORDS + headers + ANNOTATORS. */
export async function listDatabase(base: string): Promise<{ files: RemoteFile[]; checksums: boolean }> {
  const sums = await fetchText(base + "SHA256SUMS.txt");
  if (sums !== undefined) return { files: parseSha256Sums(sums), checksums: true };
  return { files: await listFromRecords(base), checksums: false };
}

function keepRecords(files: RemoteFile[], records: string[]): RemoteFile[] {
  const wanted = new Set(records);
  return files.filter((f) => {
    if (f.name === "RECORDS" || f.name === "ANNOTATORS") return true;
    const base = f.name.replace(/\.[^./]*$/, "");
    const stem = base.replace(/_\d+$/, ""); // segment files of multi-segment records
    return wanted.has(base) || wanted.has(stem);
  });
}

/** Downloads database `db` into `opts.dest`. */
export async function downloadDatabase(db: string, opts: DownloadOptions): Promise<DownloadResult> {
  const base = databaseUrl(db, opts);
  const listed = await listDatabase(base);
  const files = opts.records?.length ? keepRecords(listed.files, opts.records) : listed.files;
  if (files.length === 0) throw new WfdbError("not-found", `${base}: no files to download`);
  const result: DownloadResult = { baseUrl: base, dest: opts.dest, files: [], checksums: listed.checksums };
  for (const [index, f] of files.entries()) {
    const dest = localPath(opts.dest, f.name);
    opts.onProgress?.({ file: f.name, index, count: files.length, bytes: 0 });
    const outcome = await fetchFile(base + f.name.split("/").map(encodeURIComponent).join("/"), dest, {
      ...opts,
      sha256: f.sha256,
      onBytes: (bytes, total) =>
        opts.onProgress?.({ file: f.name, index, count: files.length, bytes, total }),
    });
    result.files.push({ name: f.name, outcome, verified: f.sha256 !== undefined });
  }
  return result;
}
