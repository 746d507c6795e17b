import type { Command } from "commander";
import { writeEnsemble } from "../../model/ensemble.js";
import { action, commandLine, printJson } from "../run.js";

export function register(program: Command): void {
  program
    .command("ensemble <out> <member...>")
    .description(
      "one model from two or more trained with the same recipe (e.g. other seeds): the mean of their " +
        "probabilities, through the chain after the net they share (docs/RESULTS.md, search 62)",
    )
    .option("--json", "print the written model.json")
    .action(
      action(async (out: string, members: string[], opts: { json?: boolean }) => {
        const meta = await writeEnsemble(members, out, commandLine());
        if (opts.json) printJson(meta);
        else
          process.stdout.write(
            `${out}: ensemble of ${meta.members} ${meta.arch} nets, ${meta.params} parameters, ` +
              `${meta.footprintKB.toFixed(2)} KB (float32), model.onnx ${meta.onnxBytes} bytes\n`,
          );
      }),
    );
}
