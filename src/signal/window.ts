/** Blackman window at u in [-1, 1] (1 at the centre, 0 at the ends). */
export function blackman(u: number): number {
  if (u <= -1 || u >= 1) return 0;
  const a = Math.PI * (u + 1);
  return 0.42 - 0.5 * Math.cos(a) + 0.08 * Math.cos(2 * a);
}

/** sin(pi x) / (pi x). */
export function sinc(x: number): number {
  if (x === 0) return 1;
  const p = Math.PI * x;
  return Math.sin(p) / p;
}
