// npm run bench:fuzz [-- <cases per property> [seed]]: runs every fuzz property of the WFDB parsers with
// many cases (default 10,000 each) and prints, per property, the cases run, the time and the outcome.
import { cpus } from "node:os";
import { allFuzzProperties } from "../test/fuzz/all.js";

const cases = Number(process.argv[2] ?? 10_000);
const seed = process.argv[3] === undefined ? Date.now() % 2 ** 31 : Number(process.argv[3]);
const props = await allFuzzProperties();
console.log(`fuzz: ${props.length} properties x ${cases} cases, seed ${seed}`);
console.log(`machine: ${cpus()[0]?.model ?? "?"}, ${cpus().length} cores, node ${process.version}`);
let failed = 0;
const perParser = new Map<string, number>();
for (const p of props) {
  const t0 = performance.now();
  let outcome = "ok";
  try {
    await p.run(cases, seed);
  } catch (err) {
    failed++;
    outcome =
      "FAILED: " + (err instanceof Error ? err.message.split("\n").slice(0, 3).join(" | ") : String(err));
  }
  const ms = performance.now() - t0;
  perParser.set(p.parser, (perParser.get(p.parser) ?? 0) + cases);
  console.log(
    `${outcome === "ok" ? "ok  " : "FAIL"} ${p.name}: ${cases} cases in ${(ms / 1000).toFixed(1)} s`,
  );
  if (outcome !== "ok") console.log(`     ${outcome}`);
}
for (const [parser, n] of perParser) console.log(`total ${parser}: ${n} cases`);
console.log(failed ? `${failed} properties FAILED` : "all properties held");
process.exitCode = failed ? 1 : 0;
