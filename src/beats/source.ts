import type { LeadChoice, LeadSpec } from "../wfdb/index.js";

/** One record as the dataset builder needs it: one lead in physical units and its beat annotations. */
export interface RecordBeats {
  /** Sampling frequency of `signal` and of the annotation samples, Hz. */
  fs: number;
  /** The chosen lead, physical units (mV); invalid samples NaN. */
  signal: Float64Array;
  /** Every beat annotation of the record (WFDB isqrs codes), ascending by sample. */
  beats: { sample: number; symbol: string }[];
  /** Which signal of the record `signal` is (absent: the source does not say). */
  lead?: LeadChoice;
}

/** Where records come from: the WFDB files of a data directory, or anything a test makes up. */
export interface BeatSource {
  /** Record names, in order. */
  records(): Promise<string[]>;
  /** Reads the lead `lead` asks for (chooseLead of src/wfdb) and the reference beats of one record. */
  read(record: string, lead: LeadSpec): Promise<RecordBeats>;
  /** A string that changes whenever the data changes (keys the cache); absent: never cached. */
  fingerprint?(records: readonly string[]): Promise<string>;
}
