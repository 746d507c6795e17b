import { test } from "node:test";
import { headerProperties } from "./fuzz/header-props.js";
import { FUZZ_SEED } from "./fuzz/check.js";

// Modest in-suite runs with a fixed seed (deterministic `npm test`; FUZZ_SEED=<n> explores others);
// `npm run bench:fuzz` runs >= 10,000 cases of each property with a fresh seed.
for (const p of headerProperties()) test(p.name, () => p.run(500, FUZZ_SEED));
