// classify / analyze / explain read the lead the model names: by name whatever the signal order, a fallback
// said on stderr and in the JSON, a signal number (old model.json files) as before.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { writeLeadVariants } from "../../../test/lead-records.js";
import { runCli } from "../../../test/run-cli.js";
import { trainTinyModel } from "../../../test/tiny-model.js";

interface Json {
  lead: { index: number; name: string; wanted: string | number; fellBack: boolean };
  beats?: { sample: number; probs: Record<string, number> }[];
  probs?: Record<string, number>;
}

let byName: string;
let byNumber: string;
let data: string;

before(async () => {
  [byName, byNumber] = await Promise.all([
    trainTinyModel({ lead: "MLII", name: "mlii" }).then((m) => m.dir),
    trainTinyModel({ lead: 0, name: "zero" }).then((m) => m.dir),
  ]);
  data = mkdtempSync(join(tmpdir(), "av-lead-cli-"));
  await writeLeadVariants(data);
});

after(() => {
  for (const d of [dirname(byName), dirname(byNumber), data]) rmSync(d, { recursive: true, force: true });
});

/** Runs a command that must succeed; its JSON and stderr. */
function ok(...args: string[]): { o: Json; stderr: string } {
  const r = runCli(args);
  assert.equal(r.status, 0, r.stderr);
  return { o: JSON.parse(r.stdout) as Json, stderr: r.stderr };
}

const classify = (model: string, rec: string) =>
  ok("classify", join(data, rec), "--model", model, "--beats", "atr", "--json");

test("classify: a model trained on MLII reads MLII by name, whatever the signal order", () => {
  const a = classify(byName, "a");
  const b = classify(byName, "b");
  assert.deepEqual(a.o.lead, { index: 0, name: "MLII", wanted: "MLII", fellBack: false });
  assert.deepEqual(b.o.lead, { index: 1, name: "mlii", wanted: "MLII", fellBack: false });
  assert.deepEqual(b.o.beats, a.o.beats);
  assert.doesNotMatch(a.stderr + b.stderr, /warning/);
});

test("classify / analyze: no signal of the model's lead name -> signal 0, said on stderr and in the JSON", () => {
  const c = classify(byName, "c");
  assert.deepEqual(c.o.lead, { index: 0, name: "V5", wanted: "MLII", fellBack: true });
  assert.match(c.stderr, /warning: .*c has no signal named "MLII": read signal 0 \(V5\) instead/);
  const an = ok("analyze", join(data, "c"), "--model", byName, "--beats", "atr", "--json");
  assert.equal(an.o.lead.fellBack, true);
  assert.match(an.stderr, /no signal named "MLII"/);
});

test("classify: an old model.json (lead 0) still reads signal 0, as before", () => {
  const b = classify(byNumber, "b");
  assert.deepEqual(b.o.lead, { index: 0, name: "V5", wanted: 0, fellBack: false });
  assert.doesNotMatch(b.stderr, /warning/);
  assert.notDeepEqual(
    b.o.beats!.map((x) => x.probs),
    classify(byNumber, "a").o.beats!.map((x) => x.probs),
  );
});

test("explain: the beat is read from the model's lead by name", () => {
  const e = (rec: string) =>
    ok("explain", join(data, rec), "--model", byName, "--beat", "370", "--method", "ig", "--json");
  const a = e("a");
  const b = e("b");
  assert.equal(b.o.lead.index, 1);
  assert.deepEqual(b.o.probs, a.o.probs);
});
