// A local stand-in for PhysioNet's file server, for download tests (no network): serves a few files from
// memory on 127.0.0.1 (ephemeral port), honours HTTP Range and HEAD, publishes SHA256SUMS.txt if asked,
// and can cut a response short once or serve a corrupted copy of a file. It stops itself after a minute.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeServerOptions {
  /** Files by name relative to the database root. */
  files: Map<string, Buffer>;
  /** Publish SHA256SUMS.txt of the files (default true). */
  sha256sums?: boolean;
  /** Names whose first GET is cut off after half the body. */
  cutOnce?: Iterable<string>;
  /** Names served with their first byte flipped (the published checksum is the true one). */
  corrupt?: Iterable<string>;
}

export interface FakeServer {
  /** Database root URL, ending with "/". */
  url: string;
  requests: { method: string; name: string; range?: string }[];
  close(): Promise<void>;
}

const ROOT = "/files/mitdb/1.0.0/";

export async function startFakePhysioNet(opts: FakeServerOptions): Promise<FakeServer> {
  const files = new Map(opts.files);
  if (opts.sha256sums ?? true) {
    const sums = [...opts.files].map(([n, b]) => `${createHash("sha256").update(b).digest("hex")}  ${n}`);
    files.set("SHA256SUMS.txt", Buffer.from(sums.join("\n") + "\n"));
  }
  const cut = new Set(opts.cutOnce ?? []);
  const corrupt = new Set(opts.corrupt ?? []);
  const requests: FakeServer["requests"] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const name = path.startsWith(ROOT) ? path.slice(ROOT.length) : "";
    const range = req.headers.range;
    requests.push({ method: req.method ?? "GET", name, ...(range ? { range } : {}) });
    let body = files.get(name);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    if (corrupt.has(name)) {
      body = Buffer.from(body);
      body[0] ^= 0xff;
    }
    let start = 0;
    let status = 200;
    const headers: Record<string, string | number> = { "Accept-Ranges": "bytes" };
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { "Content-Range": `bytes */${body.length}` }).end();
        return;
      }
      status = 206;
      headers["Content-Range"] = `bytes ${start}-${body.length - 1}/${body.length}`;
    }
    const slice = body.subarray(start);
    headers["Content-Length"] = slice.length;
    res.writeHead(status, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    if (req.method === "GET" && cut.delete(name)) {
      // Half the body, a pause so the client can take it in, then the connection ends early.
      res.write(slice.subarray(0, slice.length >> 1), () => setTimeout(() => res.socket?.end(), 200).unref());
      return;
    }
    res.end(slice);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      clearTimeout(guard);
      server.closeAllConnections();
      server.close(() => resolve());
    });
    return closed;
  };
  const guard = setTimeout(() => void close(), 60_000);
  guard.unref();
  return { url: `http://127.0.0.1:${port}${ROOT}`, requests, close };
}
