import { test } from "node:test";
import { annotationProperties } from "./fuzz/annotation-props.js";
import { FUZZ_SEED } from "./fuzz/check.js";

// Modest in-suite runs with a fixed seed (deterministic `npm test`; FUZZ_SEED=<n> explores others);
// `npm run bench:fuzz` runs >= 10,000 cases of each property with a fresh seed.
for (const p of annotationProperties) test(p.name, () => p.run(300, FUZZ_SEED));
