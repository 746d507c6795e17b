// Shared pieces of the fuzz properties: what counts as an acceptable failure of a parser.
import { WfdbError } from "../../src/wfdb/errors.js";

/** Runs `fn`; a WfdbError with a one-line message is an acceptable outcome, anything else thrown is not. */
export function wfdbErrorOrValue<T>(fn: () => T): T | WfdbError {
  try {
    return fn();
  } catch (err) {
    return expectWfdbError(err);
  }
}

/** Async variant of wfdbErrorOrValue. */
export async function wfdbErrorOrValueAsync<T>(fn: () => Promise<T>): Promise<T | WfdbError> {
  try {
    return await fn();
  } catch (err) {
    return expectWfdbError(err);
  }
}

function expectWfdbError(err: unknown): WfdbError {
  if (!(err instanceof WfdbError)) {
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new Error(`expected a WfdbError, got ${what}`);
  }
  if (err.message.length === 0 || err.message.includes("\n"))
    throw new Error(`not a one-line message: ${err.message}`);
  return err;
}

/** A named property and how many cases the in-suite run uses. */
export interface FuzzProperty {
  name: string;
  /** Parser family, for the bench report. */
  parser: string;
  run: (numRuns: number, seed?: number) => Promise<void>;
}

/** Seed of the in-suite fuzz runs: fixed so that `npm test` is deterministic; FUZZ_SEED overrides it. */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261125;
