/**
 * One-cycle learning rate (Smith 2018, as PyTorch's OneCycleLR defaults): cosine warm-up from max/25 to max
 * over the first 30 % of the steps, then cosine annealing to max/(25 x 1e4). `step` counts from 0.
 */
export function oneCycleLr(step: number, totalSteps: number, maxLr: number, pctStart = 0.3): number {
  const initial = maxLr / 25;
  const final = initial / 1e4;
  const up = Math.max(1, Math.floor(pctStart * totalSteps) - 1);
  const cos = (from: number, to: number, t: number) => to + ((from - to) * (1 + Math.cos(Math.PI * t))) / 2;
  if (step <= up) return cos(initial, maxLr, step / up);
  return cos(maxLr, final, Math.min(1, (step - up) / Math.max(1, totalSteps - 1 - up)));
}
