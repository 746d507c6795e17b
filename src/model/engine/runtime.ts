// onnxruntime-node sessions with the engine's settings (imported lazily: it is a heavy module).
import type { InferenceSession } from "onnxruntime-node";

export type Ort = typeof import("onnxruntime-node");
let ort: Promise<Ort> | undefined;

export function loadOrt(): Promise<Ort> {
  // onnxruntime-node 1.30's Linux library starts Microsoft's telemetry unless ORT_DISABLE_TELEMETRY is set: it
  // reads /etc/machine-id and leaves an empty mat-debug-<pid>.log in $TMPDIR (else /tmp) behind every process.
  // An offline tool for clinical data sends nothing and litters nothing: off unless the user set the variable.
  process.env.ORT_DISABLE_TELEMETRY ??= "1";
  ort ??= import("onnxruntime-node");
  return ort;
}

export interface SessionOptions {
  /** intra-op threads (default 1) */
  readonly threads?: number;
  /**
   * let idle pool threads spin (onnxruntime's default; default here: false). On a loaded machine
   * spinning threads fight for the cores: a 2-thread V1 training step measured 3x slower with it.
   */
  readonly spin?: boolean;
}

/** A session for a serialised model: sequential execution, all graph optimisations. */
export async function createSession(model: Uint8Array, o: SessionOptions = {}): Promise<InferenceSession> {
  const { InferenceSession } = await loadOrt();
  return InferenceSession.create(model, {
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    intraOpNumThreads: o.threads ?? 1,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: o.spin ? "1" : "0" } } },
  });
}
