// Every fuzz property, for the bench (the test files run each group with a few hundred cases).
import type { FuzzProperty } from "./check.js";
import { annotationProperties } from "./annotation-props.js";
import { headerProperties } from "./header-props.js";
import { recordProperties } from "./record-props.js";

export async function allFuzzProperties(): Promise<FuzzProperty[]> {
  return [...annotationProperties, ...headerProperties(), ...(await recordProperties())];
}
