// onnxruntime-node sessions with the engine's settings (imported lazily: it is a heavy module).
import type { InferenceSession } from "onnxruntime-node";

export type Ort = typeof import("onnxruntime-node");
let ort: Promise<Ort> | undefined;

export function loadOrt(): Promise<Ort> {
  ort ??= import("onnxruntime-node");
  return ort;
}

export interface SessionOptions {
  /** intra-op threads (default 1) */
  readonly threads?: number;
}

/** A session for a serialised model: sequential execution, all graph optimisations. */
export async function createSession(model: Uint8Array, o: SessionOptions = {}): Promise<InferenceSession> {
  const { InferenceSession } = await loadOrt();
  return InferenceSession.create(model, {
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    intraOpNumThreads: o.threads ?? 1,
    interOpNumThreads: 1,
  });
}
