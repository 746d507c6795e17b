// npm run bench:train — our training engine vs a PyTorch twin (bench/torch_twin.py), same run.
// V1, V2 and the inter models' V1M, V2M, 1 and 2 threads: training samples/s (AdamW step, batch 256), inference samples/s
// (batch 256) and batch-1 latency. Measurements are interleaved round by round (the machine is
// shared and noisy) and medians reported. Usage: node dist/bench/train.js [rounds]
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { ARCHS, type Arch } from "../src/model/arrhythminet.js";
import { createTrainer, type Trainer } from "../src/model/trainer.js";
import { createSession, loadOrt } from "../src/model/engine/runtime.js";
import { mulberry32 } from "../src/model/engine/rng.js";

const PY = process.env.BENCH_PYTHON ?? "/usr/bin/python3"; // Debian python3-torch lives here
const TWIN = new URL("../../bench/torch_twin.py", import.meta.url).pathname;
const B = 256;
const rounds = Number(process.argv[2] ?? 5);

function cpuInfo(): string {
  const text = readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.*)/.exec(text)?.[1] ?? "unknown CPU";
  const flags = new Set((/flags\s*:\s*(.*)/.exec(text)?.[1] ?? "").split(" "));
  const simd = ["avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16"].filter((f) =>
    flags.has(f),
  );
  const cores = text.split("\n").filter((l) => l.startsWith("processor")).length;
  return `${model}, ${cores} logical CPUs, flags: ${simd.join(" ") || "no avx2"}`;
}

class Twin {
  private readonly lines: AsyncIterator<string>;
  constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
    proc.stderr.on("data", (d) => process.stderr.write(`[torch] ${d}`));
  }
  static start(threads: number, pin: boolean): Twin {
    const env = {
      ...process.env,
      OMP_NUM_THREADS: `${threads}`,
      OPENBLAS_NUM_THREADS: `${threads}`,
      MKL_NUM_THREADS: `${threads}`,
      // passive OpenMP waiting: the same no-spinning policy as our sessions (fair on a shared machine)
      OMP_WAIT_POLICY: "PASSIVE",
    };
    const args = [TWIN, `${threads}`];
    const proc = pin ? spawn("taskset", ["-c", "0", PY, ...args], { env }) : spawn(PY, args, { env });
    return new Twin(proc);
  }
  async ask<T = { samplesPerSec?: number; latencyMs?: number }>(req: object): Promise<T> {
    this.proc.stdin.write(JSON.stringify(req) + "\n");
    const r = await this.lines.next();
    if (r.done) throw new Error("PyTorch twin exited");
    return JSON.parse(r.value) as T;
  }
  stop(): void {
    this.proc.stdin.end();
  }
}

async function timeIt(iters: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) await fn();
  return (performance.now() - t0) / iters / 1000; // seconds per call
}

interface Ours {
  trainer: Trainer;
  infer: (n: number) => Promise<unknown>;
}

async function ours(arch: Arch, threads: number): Promise<Ours> {
  const trainer = await createTrainer({ arch, batchSize: B, threads, seed: 1 });
  const { Tensor } = await loadOrt();
  const session = await createSession(trainer.exportOnnx(), { threads });
  const inputs = new Map(
    [1, B].map((n) => [n, new Tensor("float32", new Float32Array(n * 256).fill(0.1), [n, 1, 256])]),
  );
  return { trainer, infer: (n) => session.run({ x: inputs.get(n)! }) };
}

/** Pin every thread of this process to the given CPU list (taskset -a -p). */
function affinity(list: string): void {
  const r = spawnSync("taskset", ["-a", "-p", "-c", list, `${process.pid}`]);
  if (r.status !== 0) throw new Error(`taskset failed: ${r.stderr}`);
}

/**
 * Same initial weights and batch, 3 AdamW steps on both sides: is the twin the same net and optimizer?
 * With a large epsilon (1) the AdamW update is nearly linear in the gradient, so weights can be compared
 * tightly; with the default 1e-8, Adam's first steps move every weight by ~lr whatever the size of its
 * gradient, and gradients that are ~0 flip sign on float rounding: only the losses are comparable.
 */
async function parity(arch: Arch, twin: Twin, eps: number): Promise<string> {
  const n = 32;
  const lr = 3e-3;
  const t = await createTrainer({ arch, batchSize: n, seed: 5, eps });
  const w0 = t.getWeights();
  const rng = mulberry32(9); // noise: smooth synthetic inputs make BN/ReLU ties that amplify rounding
  const x = new Float32Array(n * 256).map(() => 2 * rng() - 1);
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7) % 5);
  const losses = [];
  for (let i = 0; i < 3; i++) losses.push(await t.step(x, y, lr));
  const weights = Object.fromEntries(Object.entries(w0).map(([k, v]) => [k, Array.from(v)]));
  const base = { what: "parity", config: ARCHS[arch], numClasses: 5, lr, eps, steps: 3 };
  const req = { ...base, weights, x: Array.from(x), y: Array.from(y) };
  const theirs = await twin.ask<{ losses: number[]; weights: Record<string, number[]> }>(req);
  let worst = 0;
  let moved = 0;
  for (const [k, v] of Object.entries(t.getWeights())) {
    if (k.includes("running_")) continue; // BN buffers: compared through the losses
    v.forEach((e, i) => {
      worst = Math.max(worst, Math.abs(e - theirs.weights[k][i]));
      moved = Math.max(moved, Math.abs(e - w0[k][i]));
    });
  }
  await t.release();
  const fmt = (l: number[]) => l.map((v) => v.toFixed(5)).join(", ");
  const w =
    eps >= 1
      ? `; parameters differ by <= ${worst.toExponential(1)} (moved by up to ${moved.toExponential(1)})`
      : "";
  return `${arch.toUpperCase()}, eps ${eps}: losses ours ${fmt(losses)} | PyTorch ${fmt(theirs.losses)}${w}`;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function main(): Promise<void> {
  const probe = spawnSync(PY, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  if (probe.status !== 0) {
    console.error(
      `PyTorch not found for ${PY}: install it with  apt-get install -y python3-torch  (then re-run).`,
    );
    process.exit(2);
  }
  const pin = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
  const allCores = `0-${cpus().length - 1}`;
  const { env } = await loadOrt();
  console.log(`CPU: ${cpuInfo()}`);
  console.log(
    `Node ${process.version}, onnxruntime-node ${env.versions.common}, PyTorch ${probe.stdout.trim()}`,
  );
  console.log(
    `PyTorch 1-thread twin: ${pin ? "pinned with taskset -c 0 and " : "NOT pinned (no taskset); "}` +
      "OMP/OPENBLAS/MKL_NUM_THREADS=1 set before Python starts; 2-thread twin: those set to 2, " +
      "torch.set_num_threads(2); both with OMP_WAIT_POLICY=PASSIVE.",
  );
  console.log(
    `Ours: onnxruntime intraOpNumThreads 1 (${pin ? "pinned to CPU 0 like the twin" : "not pinned"}) or 2,` +
      ` pool threads not spinning. Batch ${B}, AdamW.`,
  );
  const load = () =>
    loadavg()
      .map((v) => v.toFixed(1))
      .join(" ");
  console.log(`${rounds} interleaved rounds, medians. Load average before: ${load()}\n`);
  const twins = new Map([1, 2].map((t) => [t, Twin.start(t, t === 1 && pin)]));
  console.log("Parity: same initial weights and batch of 32, 3 AdamW steps (lr 3e-3, weight decay 1e-4):");
  for (const arch of Object.keys(ARCHS) as Arch[])
    for (const eps of [1, 1e-8]) console.log(`  ${await parity(arch, twins.get(1)!, eps)}`);
  console.log("");
  const cases = (Object.keys(ARCHS) as Arch[]).flatMap((arch) =>
    [1, 2].map((threads) => ({ arch, threads })),
  );
  const engines = new Map<string, Ours>();
  for (const c of cases) engines.set(`${c.arch}/${c.threads}`, await ours(c.arch, c.threads));
  const x = new Float32Array(B * 256).map((_, i) => Math.sin(i * 0.37));
  const y = Int32Array.from({ length: B }, (_, i) => i % 5);
  const results = new Map<string, Record<string, number[]>>();
  const push = (key: string, metric: string, v: number) =>
    ((results.get(key)![metric] ??= []) as number[]).push(v);
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const key = `${c.arch}/${c.threads}`;
      if (!results.has(key)) results.set(key, {});
      const e = engines.get(key)!;
      const twin = twins.get(c.threads)!;
      const base = { config: ARCHS[c.arch], numClasses: 5 };
      const mine = async () => {
        if (c.threads === 1 && pin) affinity("0"); // pinned like the 1-thread twin
        push(key, "train", B / (await timeIt(6, () => e.trainer.step(x, y, 1e-3))));
        push(key, "infer", B / (await timeIt(10, () => e.infer(B))));
        push(key, "latency", 1000 * (await timeIt(100, () => e.infer(1))));
        if (c.threads === 1 && pin) affinity(allCores);
      };
      const theirs = async () => {
        push(key, "ttrain", (await twin.ask({ ...base, batch: B, what: "train", iters: 6 })).samplesPerSec!);
        push(key, "tinfer", (await twin.ask({ ...base, batch: B, what: "infer", iters: 10 })).samplesPerSec!);
        push(
          key,
          "tlatency",
          (await twin.ask({ ...base, batch: 1, what: "latency", iters: 100 })).latencyMs!,
        );
      };
      if (r % 2 === 0) await mine().then(theirs);
      else await theirs().then(mine);
    }
    process.stderr.write(`round ${r + 1}/${rounds} done\n`);
  }
  console.log(
    "| net | threads | train ours | train PyTorch | ratio | infer b256 ours | PyTorch | ratio | latency b1 ours | PyTorch | ratio (PyTorch/ours) |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const [key, m] of results) {
    const [arch, threads] = key.split("/");
    const f = (k: string) => median(m[k]);
    // ratio: median over rounds of the paired (same round, back-to-back) ratio
    const ratio = (a: string, b: string) => median(m[a].map((v, i) => v / m[b][i]));
    const row = [
      arch.toUpperCase(),
      threads,
      f("train").toFixed(0),
      f("ttrain").toFixed(0),
      `${ratio("train", "ttrain").toFixed(2)}x`,
      f("infer").toFixed(0),
      f("tinfer").toFixed(0),
      `${ratio("infer", "tinfer").toFixed(2)}x`,
      `${f("latency").toFixed(3)} ms`,
      `${f("tlatency").toFixed(3)} ms`,
      `${ratio("tlatency", "latency").toFixed(2)}x`,
    ];
    console.log(`| ${row.join(" | ")} |`);
  }
  console.log(
    "\nsamples/s (medians); ratio = median over rounds of ours / PyTorch measured back to back (> 1: ours" +
      " faster); latency ratio = PyTorch / ours.",
  );
  console.log(
    `Load average after: ${loadavg()
      .map((v) => v.toFixed(1))
      .join(" ")} (2 cores: above ~2 the figures are noisy)`,
  );
  for (const t of twins.values()) t.stop();
  for (const e of engines.values()) await e.trainer.release();
}

await main();
