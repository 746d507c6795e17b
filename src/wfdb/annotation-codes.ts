// The standard WFDB annotation codes (ecgcodes.h) with their mnemonics, as the WFDB C library (annot.c
// cstring table) and wfdb-python (ann_label_table) define them. Codes 15, 17 and 42-49 have no standard
// mnemonic: their symbol is "" (wfdb-python reports null for them).

/** Largest valid annotation code (ACMAX in ecgcodes.h); 59-63 are pseudo-codes of the file format. */
export const ACMAX = 49;

/** Annotation code constants, named as in ecgcodes.h. */
export const AnnCode = {
  NOTQRS: 0,
  NORMAL: 1,
  LBBB: 2,
  RBBB: 3,
  ABERR: 4,
  PVC: 5,
  FUSION: 6,
  NPC: 7,
  APC: 8,
  SVPB: 9,
  VESC: 10,
  NESC: 11,
  PACE: 12,
  UNKNOWN: 13,
  NOISE: 14,
  ARFCT: 16,
  STCH: 18,
  TCH: 19,
  SYSTOLE: 20,
  DIASTOLE: 21,
  NOTE: 22,
  MEASURE: 23,
  PWAVE: 24,
  BBB: 25,
  PACESP: 26,
  TWAVE: 27,
  RHYTHM: 28,
  UWAVE: 29,
  LEARN: 30,
  FLWAV: 31,
  VFON: 32,
  VFOFF: 33,
  AESC: 34,
  SVESC: 35,
  LINK: 36,
  NAPC: 37,
  PFUS: 38,
  WFON: 39,
  WFOFF: 40,
  RONT: 41,
} as const;

/** [code, symbol, description] for every code that has a standard symbol. */
const TABLE: readonly (readonly [number, string, string])[] = [
  [0, " ", "Not an actual annotation"],
  [1, "N", "Normal beat"],
  [2, "L", "Left bundle branch block beat"],
  [3, "R", "Right bundle branch block beat"],
  [4, "a", "Aberrated atrial premature beat"],
  [5, "V", "Premature ventricular contraction"],
  [6, "F", "Fusion of ventricular and normal beat"],
  [7, "J", "Nodal (junctional) premature beat"],
  [8, "A", "Atrial premature contraction"],
  [9, "S", "Premature or ectopic supraventricular beat"],
  [10, "E", "Ventricular escape beat"],
  [11, "j", "Nodal (junctional) escape beat"],
  [12, "/", "Paced beat"],
  [13, "Q", "Unclassifiable beat"],
  [14, "~", "Signal quality change"],
  [16, "|", "Isolated QRS-like artifact"],
  [18, "s", "ST change"],
  [19, "T", "T-wave change"],
  [20, "*", "Systole"],
  [21, "D", "Diastole"],
  [22, '"', "Comment annotation"],
  [23, "=", "Measurement annotation"],
  [24, "p", "P-wave peak"],
  [25, "B", "Left or right bundle branch block"],
  [26, "^", "Non-conducted pacer spike"],
  [27, "t", "T-wave peak"],
  [28, "+", "Rhythm change"],
  [29, "u", "U-wave peak"],
  [30, "?", "Learning"],
  [31, "!", "Ventricular flutter wave"],
  [32, "[", "Start of ventricular flutter/fibrillation"],
  [33, "]", "End of ventricular flutter/fibrillation"],
  [34, "e", "Atrial escape beat"],
  [35, "n", "Supraventricular escape beat"],
  [36, "@", "Link to external data (aux contains URL)"],
  [37, "x", "Non-conducted P-wave (blocked APB)"],
  [38, "f", "Fusion of paced and normal beat"],
  [39, "(", "Waveform onset"],
  [40, ")", "Waveform end"],
  [41, "r", "R-on-T premature ventricular contraction"],
];

const SYMBOLS: readonly string[] = (() => {
  const s = new Array<string>(64).fill("");
  for (const [code, sym] of TABLE) s[code] = sym;
  return s;
})();

const DESCRIPTIONS = new Map<number, string>(TABLE.map(([c, , d]) => [c, d]));

/** Codes that denote a QRS complex: the WFDB isqrs() table (ecgmap.h). */
const QRS_CODES = new Set<number>([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 31, 34, 35, 38, 41]);

/** The standard symbol of `code`, or "" if it has none. */
export function codeToSymbol(code: number): string {
  return SYMBOLS[code] ?? "";
}

/** The standard code of a symbol (the first code with that mnemonic), or undefined. */
export function symbolToCode(symbol: string): number | undefined {
  if (symbol === "") return undefined;
  const code = SYMBOLS.indexOf(symbol, 1);
  return code < 0 ? undefined : code;
}

/** The description of a standard code, or undefined. */
export function codeDescription(code: number): string | undefined {
  return DESCRIPTIONS.get(code);
}

/** True if `code` denotes a beat (QRS complex), as WFDB's isqrs(). */
export function isBeatCode(code: number): boolean {
  return QRS_CODES.has(code);
}
