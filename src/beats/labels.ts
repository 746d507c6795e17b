/** A label scheme: which annotation symbols become which class, and which records are left out. */
import { PACED_RECORDS } from "./split.js";
export type SchemeName = "paper" | "aami";

export interface LabelScheme {
  name: SchemeName;
  /** Class names; a beat's label is an index into this list. */
  classes: readonly string[];
  /** Annotation symbol -> class name; symbols not listed are excluded. */
  map: Readonly<Record<string, string>>;
  /** Records left out entirely (e.g. paced records under AAMI EC57). */
  excludedRecords: readonly string[];
}

/** The paper's five classes: normal, left and right bundle branch block, atrial premature, PVC. */
const PAPER: LabelScheme = {
  name: "paper",
  classes: ["N", "L", "R", "A", "V"],
  map: { N: "N", L: "L", R: "R", A: "A", V: "V" },
  excludedRecords: [],
};

/** ANSI/AAMI EC57 classes; the four paced records are excluded as the standard recommends. */
const AAMI: LabelScheme = {
  name: "aami",
  classes: ["N", "S", "V", "F", "Q"],
  // prettier-ignore
  map: {
    N: "N", L: "N", R: "N", e: "N", j: "N",
    A: "S", a: "S", J: "S", S: "S",
    V: "V", E: "V",
    F: "F",
    "/": "Q", f: "Q", Q: "Q",
  },
  excludedRecords: PACED_RECORDS,
};

export const SCHEMES: Readonly<Record<SchemeName, LabelScheme>> = { paper: PAPER, aami: AAMI };

export function isSchemeName(s: string): s is SchemeName {
  return s === "paper" || s === "aami";
}

/** The class index of an annotation symbol under `scheme`, or -1 if the beat is excluded. */
export function labelOf(scheme: LabelScheme, symbol: string): number {
  const cls = Object.hasOwn(scheme.map, symbol) ? scheme.map[symbol] : undefined;
  return cls === undefined ? -1 : scheme.classes.indexOf(cls);
}
