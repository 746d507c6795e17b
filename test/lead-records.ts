// Records made from samples/100 (signal 0 MLII, signal 1 V5) with their leads in other orders and names, as
// mitdb 114 (V5, MLII) and 102/104 (V5, V2, no MLII) have them: for tests of reading the lead by name.
import { join } from "node:path";
import { readAnnotations, readRecord, writeAnnotations, writeRecord } from "../src/wfdb/index.js";

/** Record name -> [signal of samples/100 (0 MLII, 1 V5), description written] in header order. */
export const LEAD_VARIANTS: Record<string, [number, string][]> = {
  a: [
    [0, "MLII"],
    [1, "V5"],
  ],
  /** swapped like mitdb 114, the name spelled loosely */
  b: [
    [1, "V5"],
    [0, " mlii"],
  ],
  /** no MLII, like mitdb 102 and 104: its signal 0 is V5 */
  c: [
    [1, "V5"],
    [0, "V2"],
  ],
};

/** Writes LEAD_VARIANTS into `dir`: samples/100's first `seconds` s with its beat annotations (.atr). */
export async function writeLeadVariants(dir: string, seconds = 60): Promise<void> {
  const rec = await readRecord("samples/100", { to: 360 * seconds });
  const anns = (await readAnnotations("samples/100", "atr")).filter((a) => a.sample < 360 * seconds);
  for (const [name, order] of Object.entries(LEAD_VARIANTS)) {
    const signals = order.map(([i, description]) => {
      const s = rec.signals[i];
      return { format: 16, gain: s.gain, baseline: s.baseline, units: "mV", description };
    });
    await writeRecord(
      join(dir, name),
      { fs: 360, signals },
      order.map(([i]) => rec.signals[i].digital),
    );
    await writeAnnotations(join(dir, `${name}.atr`), anns);
  }
}
