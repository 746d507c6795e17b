// --causal and its two settings, shared by analyze and evaluate --beats detect.
import type { Command } from "commander";
import { CAUSAL_DEFAULTS, type CausalOptions } from "../model/index.js";
import { UserError } from "./errors.js";

export interface CausalCliOptions {
  causal?: boolean;
  causalWarmup?: string;
  causalHistory?: string;
}

/** Adds --causal-warmup and --causal-history (the --causal flag itself is the command's, worded for it). */
export function addCausalSettings(cmd: Command): Command {
  return cmd
    .option(
      "--causal-warmup <beats>",
      `with --causal: beats held at the start, then labelled with the estimates of these first beats (default ${CAUSAL_DEFAULTS.warmup})`,
    )
    .option(
      "--causal-history <beats>",
      `with --causal: the running median beat is that of at most this many most recent beats (default ${CAUSAL_DEFAULTS.history})`,
    );
}

/** The causal settings in force (defaults filled in), or undefined without --causal (settings alone are refused). */
export function parseCausal(o: CausalCliOptions): Required<CausalOptions> | undefined {
  const warmup = o.causalWarmup === undefined ? undefined : beats("--causal-warmup", o.causalWarmup);
  const history = o.causalHistory === undefined ? undefined : beats("--causal-history", o.causalHistory);
  if (!o.causal) {
    if (warmup !== undefined || history !== undefined)
      throw new UserError("--causal-warmup and --causal-history need --causal");
    return undefined;
  }
  return {
    ...CAUSAL_DEFAULTS,
    ...(warmup !== undefined ? { warmup } : {}),
    ...(history !== undefined ? { history } : {}),
  };
}

function beats(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new UserError(`${flag} must be a whole number of beats >= 1, not "${v}"`);
  return n;
}
