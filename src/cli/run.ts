import { UserError } from "./errors.js";

/** One line for the user, whatever was thrown: never a stack trace. */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0] || "unknown error";
}

/**
 * Wraps a command action: any error becomes `arrhythmia-vision: <message>` on stderr and a non-zero exit.
 * Set AV_DEBUG=1 to see the stack.
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (process.env.AV_DEBUG) console.error(err);
      process.stderr.write(`arrhythmia-vision: ${oneLine(err)}\n`);
      process.exitCode = err instanceof UserError ? err.exitCode : 1;
    }
  };
}

/** The command line as the user typed it (recorded in model.json "training.command"). */
export const commandLine = (): string => ["arrhythmia-vision", ...process.argv.slice(2)].join(" ");

/** Writes a JSON value as one line on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + "\n");
}
