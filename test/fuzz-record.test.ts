import { test } from "node:test";
import { recordProperties } from "./fuzz/record-props.js";

// Modest in-suite runs; `npm run bench:fuzz` runs >= 10,000 cases of each property.
for (const p of await recordProperties()) test(p.name, () => p.run(200));
