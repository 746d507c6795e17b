// Shape helpers shared by the ops: broadcasting and its gradient (sum over broadcast axes).
import type { Graph, Shape, Tensor } from "../graph.js";

/** Numpy broadcasting of two shapes (-1, the dynamic batch, counts as "not 1"). */
export function broadcast(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`cannot broadcast [${a}] with [${b}]`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Sum the gradient `gy` of a broadcast result back to the shape of the operand `to`. */
export function unbroadcast(g: Graph, gy: Tensor, to: Shape): Tensor {
  const lead = gy.shape.length - to.length;
  const axes: number[] = [];
  gy.shape.forEach((d, i) => {
    if (i < lead || (to[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  if (axes.length === 0) return gy;
  const summed = g.op(
    "ReduceSum",
    [gy, g.ints(axes)],
    gy.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
  );
  return lead === 0 ? summed : reshape(g, summed, to);
}

/** A raw Reshape; at most one dimension of `to` may be dynamic (< 0): it is inferred. */
export function reshape(g: Graph, x: Tensor, to: Shape): Tensor {
  const spec = to.map((d) => (d >= 0 ? d : -1));
  if (spec.filter((d) => d === -1).length > 1) throw new Error(`reshape: [${x.shape}] -> [${to}]`);
  return g.op("Reshape", [x, g.ints(spec)], to);
}

/** A raw Transpose. */
export function transpose(g: Graph, x: Tensor, perm: readonly number[]): Tensor {
  return g.op(
    "Transpose",
    [x],
    perm.map((p) => x.shape[p]),
    { perm },
  );
}

/** Product of dimensions, dynamic (-1) if either is. */
export const dimMul = (a: number, b: number): number => (a < 0 || b < 0 ? -1 : a * b);
