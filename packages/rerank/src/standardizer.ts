import type { CandidateFeatures } from "./candidate-features.js";

/** Per-feature mean and scale, so one learning rate and one L2 penalty fit features of any unit. */
export interface Standardizer {
  mean: Float32Array;
  scale: Float32Array;
}

export function fitStandardizer(lists: readonly CandidateFeatures[], dim: number): Standardizer {
  const sum = new Float64Array(dim);
  const sq = new Float64Array(dim);
  let n = 0;
  for (const c of lists) {
    for (let p = 0; p < c.values.length; p++) {
      const v = c.values[p]!;
      sum[p % dim]! += v;
      sq[p % dim]! += v * v;
    }
    n += c.items.length;
  }
  const mean = new Float32Array(dim);
  const scale = new Float32Array(dim);
  for (let f = 0; f < dim; f++) {
    const m = n > 0 ? sum[f]! / n : 0;
    const variance = n > 0 ? sq[f]! / n - m * m : 0;
    mean[f] = m;
    // A constant feature gets scale 1: it then contributes nothing after centring.
    scale[f] = variance > 1e-12 ? 1 / Math.sqrt(variance) : 1;
  }
  return { mean, scale };
}
