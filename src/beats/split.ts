import { fnv1a32 } from "./fnv1a.js";

export type SplitName = "intra" | "inter";
export type PartName = "train" | "val" | "test";
export const PART_NAMES: readonly PartName[] = ["train", "val", "test"];

/** de Chazal et al. 2004, training set DS1 (22 records, no paced record). */
// prettier-ignore
export const DS1: readonly string[] = [
  "101", "106", "108", "109", "112", "114", "115", "116", "118", "119", "122",
  "124", "201", "203", "205", "207", "208", "209", "215", "220", "223", "230",
];

/** de Chazal et al. 2004, test set DS2 (22 records). */
// prettier-ignore
export const DS2: readonly string[] = [
  "100", "103", "105", "111", "113", "117", "121", "123", "200", "202", "210",
  "212", "213", "214", "219", "221", "222", "228", "231", "232", "233", "234",
];

/** mitdb's paced records (AAMI EC57 leaves them out). */
export const PACED_RECORDS: readonly string[] = ["102", "104", "107", "217"];

/**
 * The mitdb records whose beats a model trained on `split` has seen (training or validation part): DS1 for the
 * inter split, every one of the 48 for the intra split (it draws its training beats from each record).
 */
export const recordsSeenInTraining = (split: SplitName): readonly string[] =>
  split === "inter" ? DS1 : [...DS1, ...DS2, ...PACED_RECORDS];

/**
 * The patient-wise validation hold-out of the inter split: four DS1 records that together hold ~27 % of
 * DS1's S beats and ~11 % of its V beats (AAMI), chosen from DS1 counts alone. DS2 chooses nothing.
 */
export const INTER_VAL_RECORDS: readonly string[] = ["118", "124", "201", "215"];

export function isSplitName(s: string): s is SplitName {
  return s === "intra" || s === "inter";
}

/** Intra-patient part of one beat: FNV-1a 32 of "<record>:<sample>"; test if h % 5 == 0, val if h % 10 == 1. */
export function intraPart(record: string, sample: number): PartName {
  const h = fnv1a32(`${record}:${sample}`);
  return h % 5 === 0 ? "test" : h % 10 === 1 ? "val" : "train";
}

/** Throws unless every validation record is in DS1 (the inter split's validation must not touch DS2). */
export function checkInterValRecords(valRecords: readonly string[]): void {
  for (const r of valRecords)
    if (!DS1.includes(r)) throw new Error(`inter validation record ${r} is not in DS1`);
}

/** Inter-patient part of a whole record, or null if the record is in neither DS1 nor DS2. */
export function interPart(
  record: string,
  valRecords: readonly string[] = INTER_VAL_RECORDS,
): PartName | null {
  if (DS2.includes(record)) return "test";
  if (!DS1.includes(record)) return null;
  return valRecords.includes(record) ? "val" : "train";
}

/** The part a beat belongs to under `split`, or null if its record takes no part. */
export function partOf(
  split: SplitName,
  record: string,
  sample: number,
  valRecords: readonly string[] = INTER_VAL_RECORDS,
): PartName | null {
  return split === "intra" ? intraPart(record, sample) : interPart(record, valRecords);
}
