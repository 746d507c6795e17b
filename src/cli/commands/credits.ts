import type { Command } from "commander";

export const CREDITS = `Results and sample records of arrhythmia-vision come from the MIT-BIH Arrhythmia Database
(PhysioNet, https://physionet.org/content/mitdb/1.0.0/, DOI 10.13026/C2F305), ODC-By 1.0:
- Moody GB, Mark RG. The impact of the MIT-BIH Arrhythmia Database. IEEE Eng in Med and Biol 20(3):45-50 (2001).
- Goldberger AL, et al. PhysioBank, PhysioToolkit, and PhysioNet: Components of a new research resource for
  complex physiologic signals. Circulation 101(23):e215-e220 (2000).`;

export function register(program: Command): void {
  program
    .command("credits")
    .description("print the data attribution (MIT-BIH Arrhythmia Database, ODC-By 1.0)")
    .action(() => {
      process.stdout.write(CREDITS + "\n");
    });
}
