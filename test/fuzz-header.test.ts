import { test } from "node:test";
import { headerProperties } from "./fuzz/header-props.js";

// Modest in-suite runs; `npm run bench:fuzz` runs >= 10,000 cases of each property.
for (const p of headerProperties()) test(p.name, () => p.run(500));
