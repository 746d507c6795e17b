import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { CONFORMANCE, MITDB, needShared } from "../../test/shared.js";
import { WfdbError } from "./errors.js";
import { chooseLead, leadFallbackNote, resolveLead, signalNames } from "./lead.js";

test("chooseLead: a name picks its signal, trimmed and case-insensitively", () => {
  assert.deepEqual(chooseLead(["V5", "MLII"], "MLII"), {
    index: 1,
    name: "MLII",
    wanted: "MLII",
    fellBack: false,
  });
  assert.equal(chooseLead(["V1", " mlii "], "MLII").index, 1);
  assert.equal(chooseLead(["MLII", "V1"], "  mlII").index, 0);
  assert.equal(chooseLead(["II", "MLII", "MLII"], "MLII").index, 1, "the first of two");
  assert.equal(chooseLead(["ML II", "V1"], "MLII").fellBack, true, "no fuzzy match: spaces inside count");
});

test("chooseLead: no signal of that name falls back to the fallback number, and says so", () => {
  const c = chooseLead(["V5", "V2"], "MLII");
  assert.deepEqual(c, { index: 0, name: "V5", wanted: "MLII", fellBack: true });
  assert.equal(chooseLead(["V5", "V2"], "MLII", 1).index, 1);
  assert.match(
    leadFallbackNote(c, "102") ?? "",
    /^102 has no signal named "MLII": read signal 0 \(V5\) instead$/,
  );
  assert.equal(leadFallbackNote(chooseLead(["MLII"], "MLII")), undefined);
});

test("chooseLead: a number picks that signal whatever its name (old model.json files)", () => {
  assert.deepEqual(chooseLead(["V5", "MLII"], 0), { index: 0, name: "V5", wanted: 0, fellBack: false });
  assert.equal(chooseLead(["V5", "MLII"], 1).name, "MLII");
});

test("chooseLead: a number or fallback outside the record is a WfdbError naming the signals", () => {
  assert.throws(
    () => chooseLead(["V5", "MLII"], 2),
    (e: unknown) => e instanceof WfdbError && /V5, MLII/.test(e.message),
  );
  assert.throws(() => chooseLead([], "MLII"), /fallback for "MLII"/);
  assert.throws(() => chooseLead(["V5"], "MLII", 3), WfdbError);
  assert.throws(() => chooseLead(["V5"], -1), WfdbError);
  assert.throws(() => chooseLead(["V5"], 0.5), WfdbError);
});

test(
  "mitdb 114 (V5, MLII): MLII is signal 1; 100: signal 0; 102 (V5, V2) falls back to 0",
  { skip: needShared() },
  async () => {
    assert.deepEqual(await resolveLead(join(MITDB, "114"), "MLII"), {
      index: 1,
      name: "MLII",
      wanted: "MLII",
      fellBack: false,
    });
    assert.equal((await resolveLead(join(MITDB, "100"), "MLII")).index, 0);
    const c = await resolveLead(join(MITDB, "102"), "MLII");
    assert.equal(c.index, 0);
    assert.equal(c.fellBack, true);
  },
);

test("signalNames of a multi-segment record come from its segments", { skip: needShared() }, async () => {
  assert.deepEqual(await signalNames(join(CONFORMANCE, "multi-segment/041s/041s")), [
    "III",
    "I",
    "V",
    "ABP",
    "PAP",
    "PLETH",
    "RESP",
  ]);
  assert.equal((await resolveLead(join(CONFORMANCE, "multi-segment/041s/041s"), "v")).index, 2);
});
