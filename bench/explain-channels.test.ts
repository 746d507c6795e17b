// The channel split of bench:explain on a pair model: exact shares, and IG per channel that sums to the
// pair model's IG of the beat.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { explainBeats, type Explainer } from "../src/explain/index.js";
import { pairExplainers, pairTestBeats, trainedPairModel } from "../src/explain/testing.js";
import { ablations, cancellation, channelIg, channelShares } from "./explain-channels.js";

const L = 256;
const { beats, cls, template } = pairTestBeats(L);
const neutral = Float32Array.of(1, 1, 1, 1); // the RR ratios' neutral value

let pair: Explainer;
let net: Explainer;

before(async () => {
  ({ pair, net } = await pairExplainers());
});

after(async () => {
  await Promise.all([pair.release(), net.release()]);
});

test("channelShares: |attribution| per channel and window over the total, RR inputs included", () => {
  const a = new Float32Array(2 * 10);
  a[2] = 2; // beat channel, QRS (samples 1..3)
  a[5] = -1; // beat channel, T (samples 4..7)
  a[9] = 1; // beat channel, rest
  a[10 + 1] = -3; // deviation channel, QRS
  a[10 + 8] = 1; // deviation channel, rest
  const s = channelShares(a, 10, Float32Array.of(-2), { qrs: [1, 4], t: [4, 8] });
  assert.deepEqual(s, {
    beat: { qrs: 0.2, t: 0.1, rest: 0.1 },
    deviation: { qrs: 0.3, t: 0, rest: 0.1 },
    rr: 0.2,
  });
  // samples 1 (beat 0, deviation -3) and 8 (0, 1) of the deviation channel and 2, 5, 9 of the beat's
  assert.equal(cancellation(a, 10), (2 + 1 + 1 + 3 + 1) / (2 + 1 + 1 + 3 + 1));
  const opposite = Float32Array.of(1, 2, -1, -1);
  assert.equal(cancellation(opposite, 2), (0 + 1) / (2 + 3));
  assert.throws(() => channelShares(a, 9, [], { qrs: [0, 1], t: [1, 2] }), /18 values expected/);
});

test("channelIg: the two channels' IG sum per sample to the pair model's IG of the beat", async () => {
  const b = { x: beats.x, extra: beats.extra, template };
  const split = await channelIg(net, b, cls, neutral, L);
  const whole = await explainBeats(pair, b, cls, "ig", { extraBaseline: neutral });
  for (let i = 0; i < cls.length; i++) {
    const a = split[i].attribution;
    assert.equal(a.length, 2 * L);
    const scale = Math.max(...Array.from(whole[i].attribution, Math.abs));
    for (let k = 0; k < L; k++)
      assert.ok(Math.abs(a[k] + a[L + k] - whole[i].attribution[k]) <= 0.02 * scale, `beat ${i} sample ${k}`);
    assert.ok(Math.abs(split[i].output - whole[i].output) < 1e-4);
    assert.ok(Math.abs(split[i].baselineOutput! - whole[i].baselineOutput!) < 1e-4, `beat ${i} baseline`);
  }
});

test("ablations: each replaces the input it names", async () => {
  const { template: t } = await trainedPairModel();
  const tpl = Array.from({ length: 6 }, () => t);
  const argmax = (logits: Float32Array) =>
    Array.from({ length: 6 }, (_, i) => {
      const row = logits.subarray(i * 5, (i + 1) * 5);
      return row.indexOf(Math.max(...row));
    });
  const predicted = Int32Array.from(argmax(await pair.logits(beats.x, beats.extra, tpl)));
  // the net's rows built here: [beat, 0] and [0, beat - template]
  const rows = (f: (beat: number, dev: number) => [number, number]) => {
    const out = new Float32Array(6 * 2 * L);
    for (let i = 0; i < 6; i++)
      for (let k = 0; k < L; k++)
        [out[i * 2 * L + k], out[i * 2 * L + L + k]] = f(beats.x[i * L + k], beats.x[i * L + k] - t[k]);
    return out;
  };
  const noDeviation = argmax(
    await net.logits(
      rows((b) => [b, 0]),
      beats.extra,
    ),
  );
  const flatBeat = argmax(
    await net.logits(
      rows((_, d) => [0, d]),
      beats.extra,
    ),
  );
  const odd = Float32Array.of(5, 5, 5, 5); // an RR "neutral" value far from the beats' own
  const atOdd = argmax(
    await pair.logits(
      beats.x,
      Float32Array.from({ length: 24 }, () => 5),
      tpl,
    ),
  );
  const kept = await ablations(net, { x: beats.x, extra: beats.extra, template: tpl }, predicted, odd, L);
  assert.deepEqual(kept, [
    Array.from(predicted, (c, i) => c === noDeviation[i]),
    Array.from(predicted, (c, i) => c === flatBeat[i]),
    Array.from(predicted, (c, i) => c === atOdd[i]),
  ]);
  // this net needs its deviation channel: without it, some beats change class
  assert.ok(kept[0].includes(false));
});
