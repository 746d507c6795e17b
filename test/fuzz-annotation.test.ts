import { test } from "node:test";
import { annotationProperties } from "./fuzz/annotation-props.js";

// Modest in-suite runs; `npm run bench:fuzz` runs >= 10,000 cases of each property.
for (const p of annotationProperties) test(p.name, () => p.run(300));
