// What the rhythm guard (rhythm-guard.ts) and the QRS veto (qrs-veto.ts) read of each beat beside its RR
// features: how alike its P wave and QRS are to the record's usual beat's (src/beats/qrs-match.ts) and whether its
// record's P waves repeat (src/beats/atrial.ts); each only when the model asks for it. Whole records (beatMatches)
// or a stream's beats up to each one (CausalBeatMatches).
import { CausalAtrialConsistency, CausalQrsMatch, atrialConsistency, qrsMatch } from "../beats/index.js";
import type { RhythmGuard } from "./rhythm-guard.js";

/** What the rhythm guard and the QRS veto read beside the RR features, per beat (each when asked for). */
export interface BeatMatches {
  atrial?: Float32Array;
  qrs?: Float32Array;
  /** pMatch against the beats called N: only the QRS veto's P rule reads it (decide.ts computes it). */
  p?: Float32Array;
}

/** What the QRS veto needs beside the guard's inputs (qrsMatch; its P rule's pMatch depends on the labels). */
export interface VetoNeeds {
  qrs?: boolean;
}

/** Where the beats' windows are: n x len samples, R at `before`, rate `fs`. */
export interface WindowLayout {
  len: number;
  before: number;
  fs: number;
}

/**
 * The beats' matches from their windows (each record's beats in time order): what the guard asks for, and what the
 * QRS veto needs besides (`veto`: qrsMatch for a guard without qrsBelow).
 */
export function beatMatches(
  guard: RhythmGuard | undefined,
  windows: Float32Array,
  w: WindowLayout,
  record?: readonly string[],
  veto: VetoNeeds = {},
): BeatMatches {
  return {
    ...(guard?.atrialBelow !== undefined && {
      atrial: atrialConsistency(windows, w.len, w.before, w.fs, record, guard.atrialLags ?? 1),
    }),
    ...((veto.qrs || guard?.qrsBelow !== undefined) && {
      qrs: qrsMatch(windows, w.len, w.before, w.fs, record),
    }),
  };
}

/** The matches of a stream's beats, fed in time order (each from the beats up to it). */
export class CausalBeatMatches {
  private readonly atrial?: CausalAtrialConsistency;
  private readonly qrs?: CausalQrsMatch;

  constructor(guard: RhythmGuard | undefined, w: WindowLayout, veto: VetoNeeds = {}) {
    if (guard?.atrialBelow !== undefined)
      this.atrial = new CausalAtrialConsistency(w.len, w.before, w.fs, guard.atrialLags ?? 1);
    if (veto.qrs || guard?.qrsBelow !== undefined) this.qrs = new CausalQrsMatch(w.len, w.before, w.fs);
  }

  next(windows: Float32Array): BeatMatches {
    return {
      ...(this.atrial && { atrial: this.atrial.next(windows) }),
      ...(this.qrs && { qrs: this.qrs.next(windows) }),
    };
  }
}
