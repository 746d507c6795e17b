// The detector on the MIT-BIH Arrhythmia Database (../shared/mitdb): accuracy, sampling rates, streaming.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isBeatCode, readAnnotations, readRecord, toPhysical } from "../../wfdb/index.js";
import { resample } from "../resample.js";
import { randomChunks } from "../testing.js";
import { detectQrs } from "./detect.js";
import { grossScore, scoreBeats, vfEpisodes, type BeatScore } from "./score.js";
import { QrsStream } from "./stream.js";
import { MITDB, needShared } from "../../../test/shared.js";

async function load(name: string) {
  const path = join(MITDB, name);
  const rec = await readRecord(path, { signals: [0] });
  const anns = await readAnnotations(path, "atr");
  return {
    x: toPhysical(rec.signals[0]),
    fs: rec.fs,
    ref: anns.filter((a) => isBeatCode(a.code)).map((a) => a.sample),
    vf: vfEpisodes(anns),
  };
}

test("all 48 records, lead 0, VF excluded: gross Se and +P >= 99.8 %", { skip: needShared() }, async () => {
  const names = readFileSync(join(MITDB, "RECORDS"), "utf8").trim().split(/\s+/);
  assert.equal(names.length, 48);
  const scores: BeatScore[] = [];
  for (const n of names) {
    const r = await load(n);
    const beats = detectQrs(r.x, r.fs);
    assert.ok(
      beats.every((b, i) => i === 0 || b > beats[i - 1]),
      `${n}: beats ascending`,
    );
    scores.push(scoreBeats(r.ref, beats, r.fs, { exclude: r.vf }));
  }
  const g = grossScore(scores);
  assert.ok(g.se >= 99.8 && g.ppv >= 99.8, `Se ${g.se.toFixed(3)} +P ${g.ppv.toFixed(3)}`);
});

test("same accuracy at 128, 250, 500 and 1000 Hz (records resampled)", { skip: needShared() }, async () => {
  const recs = await Promise.all(["100", "108", "203", "232"].map(load));
  const at = (fs: number) =>
    grossScore(
      recs.map((r) => {
        const beats = detectQrs(resample(r.x, r.fs, fs), fs).map((s) => Math.round((s * r.fs) / fs));
        return scoreBeats(r.ref, beats, r.fs, { exclude: r.vf });
      }),
    );
  const base = at(360);
  for (const fs of [128, 250, 500, 1000]) {
    const s = at(fs);
    const msg = `${fs} Hz: Se ${s.se.toFixed(2)} +P ${s.ppv.toFixed(2)} (360 Hz: ${base.se.toFixed(2)} / ${base.ppv.toFixed(2)})`;
    assert.ok(
      s.se >= 99 && s.ppv >= 99 && Math.abs(s.se - base.se) < 0.3 && Math.abs(s.ppv - base.ppv) < 0.3,
      msg,
    );
  }
});

test("streaming a whole mitdb record gives the same beats as detectQrs", { skip: needShared() }, async () => {
  const r = await load("203");
  const whole = detectQrs(r.x, r.fs);
  const s = new QrsStream(r.fs);
  const beats: number[] = [];
  for (const c of randomChunks(r.x, 203, 20000)) beats.push(...s.push(c));
  beats.push(...s.flush());
  assert.deepEqual(beats, whole);
  assert.deepEqual(detectQrs(Float32Array.from(r.x), r.fs).length, whole.length);
});
