/** What went wrong while reading or writing WFDB data. */
export type WfdbErrorKind =
  | "not-found" // a header, signal or annotation file is absent
  | "header" // a header line that cannot be parsed or has absurd values
  | "format" // an unsupported or unknown signal format
  | "truncated" // a file shorter than its header says
  | "checksum" // a signal's checksum does not match its header
  | "annotation" // a malformed annotation file
  | "range" // a requested sample range outside the record
  | "io"; // any other I/O failure

/** A typed error with a one-line message meant for the user. */
export class WfdbError extends Error {
  constructor(
    readonly kind: WfdbErrorKind,
    message: string,
  ) {
    super(message.split("\n")[0]);
    this.name = "WfdbError";
  }
}
