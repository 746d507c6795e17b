import type { Command } from "commander";
import { action, printJson } from "../run.js";
import { UserError } from "../errors.js";

interface DownloadCliOptions {
  dest?: string;
  baseUrl?: string;
  version?: string;
  records?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("download")
    .description("download a PhysioNet database (resumable, SHA-256 verified when published)")
    .argument("<database>", "PhysioNet database name, e.g. mitdb")
    .option("--dest <dir>", "destination directory (default: --data-dir if given, else ./<database>)")
    .option(
      "--base-url <url>",
      "database root URL (default: https://physionet.org/files/<database>/<version>/)",
    )
    .option("--version <v>", "database version (default: latest known, mitdb 1.0.0)")
    .option("--records <list>", "only these records (comma-separated)")
    .option("--json", "print a JSON summary on stdout")
    .action(
      action(async (database: string, opts: DownloadCliOptions) => {
        const { downloadDatabase } = await import("../../wfdb/index.js");
        const { default: cliProgress } = await import("cli-progress");
        const dest = opts.dest ?? (program.opts() as { dataDir?: string }).dataDir ?? database;
        const records = opts.records
          ?.split(",")
          .map((r) => r.trim())
          .filter(Boolean);
        if (opts.records !== undefined && !records?.length)
          throw new UserError("--records needs record names");
        const bar = new cliProgress.SingleBar(
          {
            format: "{bar} {value}/{total} files | {file} {kb} KB",
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        try {
          const res = await downloadDatabase(database, {
            dest,
            baseUrl: opts.baseUrl,
            version: opts.version,
            records,
            onProgress: (p) => {
              const payload = { file: p.file, kb: Math.round(p.bytes / 1024) };
              if (!started) {
                bar.start(p.count, p.index, payload);
                started = true;
              } else bar.update(p.index, payload);
            },
          });
          if (started) bar.update(res.files.length);
          bar.stop();
          const count = (o: string) => res.files.filter((f) => f.outcome === o).length;
          const summary = {
            database,
            baseUrl: res.baseUrl,
            dest: res.dest,
            files: res.files.length,
            downloaded: count("downloaded"),
            resumed: count("resumed"),
            skipped: count("skipped"),
            verified: res.files.filter((f) => f.verified).length,
          };
          if (opts.json) printJson(summary);
          else {
            const check = res.checksums ? "all SHA-256 verified" : "no checksums published: not verified";
            process.stdout.write(
              `${database}: ${summary.files} files in ${dest} (${summary.downloaded} downloaded, ` +
                `${summary.resumed} resumed, ${summary.skipped} already there; ${check})\n`,
            );
          }
        } finally {
          bar.stop();
        }
      }),
    );
}
