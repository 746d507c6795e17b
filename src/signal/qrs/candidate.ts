/** A peak of the QRS energy envelope, located at its R peak, waiting for a beat/noise decision. */
export interface Candidate {
  /** R-peak sample index (refined on the low-passed signal). */
  r: number;
  /** Envelope amplitude: RMS of the derivative over the integration window. */
  amp: number;
  /** Lowest envelope amplitude within the suppression distance on either side (prominence). */
  floor: number;
  /** RMS envelope level over the last levelWindow seconds (how much the peak stands out). */
  level: number;
  /** Largest absolute derivative inside the integration window (T-wave discrimination). */
  slope: number;
  /** Peak-to-peak height of the low-passed signal around the R peak. */
  height: number;
}
