#!/usr/bin/env node
// The arrhythmia-vision command line. Each file in ./commands exports `register(program)`;
// they are discovered at start-up so that commands can be added without touching this file.
import { Command } from "commander";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// A reader that stops early (`| head`) closes our stdout: that is a normal end, not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, "../../../package.json"), "utf8")) as { version: string };

// The program's version flag is honoured only before any command, so that a command may have its own
// --version option (e.g. `download mitdb --version 1.0.0`).
const first = process.argv[2];
if (first === "-V" || first === "--version") {
  process.stdout.write(pkg.version + "\n");
  process.exit(0);
}

const program = new Command("arrhythmia-vision")
  .description("Read ECG records (WFDB), detect and classify heartbeats, explain the decisions.")
  .addHelpText("after", "\nRun `arrhythmia-vision --version` to print the version.")
  .option("--data-dir <dir>", "where record names are looked up (default: $ARRHYTHMIA_VISION_DATA or .)")
  .showHelpAfterError("(add --help for usage)")
  .configureOutput({ outputError: (str, write) => write(str.split("\n")[0] + "\n") });

const commandsDir = join(here, "commands");
const files = readdirSync(commandsDir)
  .filter((f) => f.endsWith(".js") && !f.endsWith(".test.js"))
  .sort();
for (const f of files) {
  const mod = (await import(pathToFileURL(join(commandsDir, f)).href)) as {
    register?: (p: Command) => void;
  };
  mod.register?.(program);
}

await program.parseAsync(process.argv);
