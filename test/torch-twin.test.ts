// bench/torch_twin.py must build every net of ARCHS: each config field that shapes the conv net or its classifier
// is read by the twin (extraHidden is not: the bench feeds no extra features). `npm run bench:train` stopped at its
// parity check for two days once V1M/V2M's `mix` joined ARCHS unread; this catches that without PyTorch installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ARCHS } from "../src/model/arrhythminet.js";

const TWIN = new URL("../../bench/torch_twin.py", import.meta.url);
const NOT_IN_BENCH = new Set(["extraHidden"]);

test("the PyTorch twin reads every ArrhythmiNet config field the bench's nets use", () => {
  const py = readFileSync(TWIN, "utf8");
  const read = new Set([...py.matchAll(/cfg(?:\["(\w+)"\]|\.get\("(\w+)")/g)].map((m) => m[1] ?? m[2]));
  const used = new Set(Object.values(ARCHS).flatMap((cfg) => Object.keys(cfg)));
  const unread = [...used].filter((k) => !NOT_IN_BENCH.has(k) && !read.has(k));
  assert.deepEqual(unread, [], `bench/torch_twin.py ignores ${unread.join(", ")}`);
});
