import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../../../test/run-cli.js";

const run = (...args: string[]) => runCli(args);
/** The options every AAMI inter-patient row of the rejection table starts with. */
const INTER = ["--arch", "v1", "--scheme", "aami", "--split", "inter"];

test("train rejects bad options with one line and a non-zero exit, before any work", () => {
  for (const [args, msg] of [
    [
      ["--arch", "v3", "--scheme", "paper", "--split", "intra"],
      /--arch must be v1, v2, v1m, v2m, v1h, v1k, not "v3"/,
    ],
    [
      ["--arch", "v1", "--scheme", "paper", "--split", "intra", "--epochs", "0"],
      /--epochs must be an integer >= 1/,
    ],
    [["--arch", "v1", "--scheme", "paper", "--split", "intra", "--balance", "x"], /--balance must be/],
    [["--arch", "v1", "--scheme", "paper", "--split", "intra", "--lr", "-1"], /--lr must be/],
    [[...INTER, "--oversample-cap", "F=0.5"], /--oversample-cap wants/],
    [[...INTER, "--val-records", "none"], /add --last-epoch/],
    [[...INTER, "--average-from", "11"], /after the last epoch/],
    [
      [...INTER, "--rr", "--teachers", "models/v1-paper-intra"],
      /--teachers: teacher models\/v1-paper-intra cannot teach this run: its classes N L R A V/,
    ],
    [[...INTER, "--rr", "--teachers", "models/v1-aami-inter"], /its morph pair, the run's none/],
    [[...INTER, "--teachers", "/nonexistent/m"], /--teachers: /],
    [[...INTER, "--teachers", ","], /--teachers wants/],
    [[...INTER, "--window", "90"], /--window 90: wants before,after/],
    [[...INTER, "--mixup", "0"], /--mixup must be/],
    [[...INTER, "--focal-gamma", "0.5"], /--focal-gamma must be/],
    [[...INTER, "--oversample-record-power", "2"], /--oversample-record-power must be/],
    [
      [...INTER, "--rr", "--mixup", "0.2", "--teachers", "models/v1-aami-inter"],
      /--mixup and --teachers do not combine/,
    ],
    [[...INTER, "--augment", "--premature-swap", "2"], /--premature-swap must be a number in \[0, 1\]/],
    [[...INTER, "--fusion-synth", "2"], /--fusion-synth wants p in \[0, 1\]/],
    [[...INTER, "--fusion-synth", "0.5,0.9,0.6"], /--fusion-synth wants p in \[0, 1\] and optionally lo,hi/],
    [[...INTER, "--augment", "0"], /--augment must be a scale in \(0, 4\]/],
    [[...INTER, "--window", "-1,166"], /--window -1,166: wants/],
    [[...INTER, "--window", "10,10"], /32\.\.3600 samples/],
    [
      [...INTER, "--window", "90,66", "--shift-average", "25"],
      /--shift-average: the shifts must be whole sample counts within ±19/,
    ],
    [
      ["--arch", "v1", "--scheme", "paper", "--split", "intra", "--rhythm-guard", "S,0.13,0.5"],
      /--rhythm-guard S,0.13,0.5: suppress must be one of the classes N, L, R, A, V/,
    ],
    [[...INTER, "--rhythm-guard", "S,0.13"], /--rhythm-guard S,0.13: wants class,threshold,logOffset/],
    [[...INTER, "--rhythm-guard", "S,0.13,"], /--rhythm-guard S,0.13,: wants class,threshold,logOffset/],
    [
      [...INTER, "--rhythm-guard", "S,0.13,0.5,0.7,0,0.95"],
      /--rhythm-guard S,0.13,0.5,0.7,0,0.95: atrialLags must be an integer 1..8/,
    ],
    [
      [...INTER, "--qrs-veto", "V,X:0.95"],
      /--qrs-veto V,X:0.95: classes must be a non-empty list of the model's classes N, S, V, F, Q/,
    ],
    [[...INTER, "--qrs-veto", "V,F"], /--qrs-veto V,F: wants classes:above\[:pClasses:pAbove\[:afAbove\]\]/],
    [
      [...INTER, "--qrs-veto", "V,F:0.95:S"],
      /--qrs-veto V,F:0.95:S: wants classes:above\[:pClasses:pAbove\[:afAbove\]\]/,
    ],
    [
      [...INTER, "--qrs-veto", "V,F:0.95:S:1.2"],
      /--qrs-veto V,F:0.95:S:1.2: pAbove must be a number in \[-1, 1\]/,
    ],
    [
      [...INTER, "--qrs-veto", "V,F:0.85:S:0.9:0.95"],
      /--qrs-veto V,F:0.85:S:0.9:0.95: afAbove must be a number in \[-1, above\]/,
    ],
    [[...INTER, "--unusual-qrs", "S:V:0.9"], /--unusual-qrs needs --qrs-veto/],
    [[...INTER, "--qrs-veto", "V,F:0.95", "--unusual-qrs", "S:V"], /--unusual-qrs S:V: wants from:to:below/],
    [
      [...INTER, "--qrs-veto", "V,F:0.95", "--unusual-qrs", "S:S:0.9"],
      /--qrs-veto V,F:0.95: unusual: to must be one of the model's classes/,
    ],
    [[...INTER, "--rhythm-guard", "S,x,0"], /threshold must be a number >= 0/],
    [
      [...INTER, "--rhythm-guard", "S,0.13,0.5,-,-,0.95,x"],
      /--rhythm-guard S,0.13,0.5,-,-,0.95,x: entropyAbove must be a finite number/,
    ],
    [
      [...INTER, "--rhythm-guard", "S,0.13,0.5,-,-,0.95,-0.75,N,-1.5,1"],
      /wants class,threshold,logOffset\[,atrialBelow\[,atrialLags\[,qrsBelow\[,entropyAbove\[,giveTo\[,atrialEntropyAbove\]\]\]\]\]\]/,
    ],
    [
      [...INTER, "--rhythm-guard", "S,0.13,0.5,-,-,0.95,-0.75,N,-1.5"],
      /--rhythm-guard S,0.13,0.5,-,-,0.95,-0.75,N,-1.5: atrialEntropyAbove must be a finite number, with atrialBelow/,
    ],
    [[...INTER, "--rr", "--rr-average", "5min"], /--rr-average 5min: must be record or region/],
    [
      [...INTER, "--rhythm-guard", "S,0.13,0.5,-,-,0.95,-0.75,S"],
      /--rhythm-guard S,0.13,0.5,-,-,0.95,-0.75,S: giveTo must be one of the classes N, V, F, Q/,
    ],
    [
      ["--arch", "v1", "--scheme", "paper", "--split", "intra", "--morph-smoothing", "N,V,F:0.75:20"],
      /--morph-smoothing N,V,F:0.75:20: classes must be 2 or more distinct classes of N, L, R, A, V/,
    ],
    [
      [...INTER, "--morph-smoothing", "N,V,F:0.75"],
      /--morph-smoothing N,V,F:0.75: wants classes:lambda:k\[:keepAbove\]/,
    ],
    [[...INTER, "--morph-smoothing", "N,V,F:0.75:20:1.5"], /keepAbove must be a number in \(0, 1\]/],
    [[...INTER, "--morph-smoothing", "N,V:2:20"], /lambda must be a number from 0 to 1/],
    [
      [...INTER, "--window", "30,166", "--morph-smoothing", "N,V:0.5:20"],
      /needs a window from at least R-36/,
    ],
    [[...INTER, "--teachers", "models/x", "--distill", "2"], /--distill must be a number in \[0, 1\]/],
    [
      ["--arch", "v1", "--scheme", "nope", "--split", "intra", "--run-dir", "/nonexistent/x"],
      /--scheme must be/,
    ],
  ] as const) {
    const r = run("train", ...args);
    assert.notEqual(r.status, 0, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, msg);
  }
});

test("train --help lists the options of the issue", () => {
  const r = run("train", "--help");
  assert.equal(r.status, 0);
  for (const o of ["--arch", "--scheme", "--split", "--epochs", "--seed", "--out", "--resume", "--hide-test"])
    assert.ok(r.stdout.includes(o), o);
});
