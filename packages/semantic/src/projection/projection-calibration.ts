import { Rng } from "@tandem/core";
import { projectText } from "./text-to-mf.js";
import { fitTextToMfRidge, type RidgeOptions } from "./text-to-mf-ridge.js";

export interface ProjectionCalibration {
  /** Mean item factor of the trained items (k): the point projected vectors shrink towards. */
  mean: Float32Array;
  /** Stretch of a projected vector's offset from `mean` so its user scores spread like a warm item's. */
  scale: number;
  /** Trained items held out as pseudo-cold to measure the shrinkage. */
  pseudoCold: number;
}

export interface CalibrationOptions extends RidgeOptions {
  /** Share of the trained items held out of the projection as pseudo-cold. Default 0.1. */
  pseudoCold?: number;
}

/** Σ over rows of (x − mean)ᵀ G (x − mean): the summed squared user scores of the offsets, all users. */
function spread(rows: Float32Array, mean: Float32Array, gram: Float64Array, k: number): number {
  const d = new Float64Array(k);
  let total = 0;
  for (let r = 0; r < rows.length / k; r++) {
    for (let a = 0; a < k; a++) d[a] = rows[r * k + a]! - mean[a]!;
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += gram[a * k + c]! * d[c]!;
      total += d[a]! * s;
    }
  }
  return total;
}

/**
 * Calibrates text → MF projected vectors against warm items' own factors. A ridge projection predicts
 * E[factor | text], shrunk towards the mean factor, so user · projected scores spread far less than
 * user · factor scores and a projected (cold) item never reaches a top-K among warm items. A seeded share
 * of the trained items is held out of a second projection fit (pseudo-cold: projected like a cold item,
 * yet with real factors); the scale a makes their projected offsets from the mean score with the same
 * spread over all users as their own factors: a² = Σ_h (v_h−μ)ᵀG(v_h−μ) / Σ_h (p_h−μ)ᵀG(p_h−μ), G = UᵀU.
 * One scalar, no ranking target: it cannot learn to favour cold items, only to stop penalising them.
 * Cost: one more ridge fit and items × k² for the spreads; nothing per user beyond UᵀU (users × k²).
 */
export function calibrateProjection(
  text: Float32Array,
  textDim: number,
  itemFactors: Float32Array,
  userFactors: Float32Array,
  k: number,
  trained: Uint8Array,
  options: CalibrationOptions = {},
): ProjectionCalibration {
  const { pseudoCold = 0.1, seed = 42, ...ridge } = options;
  const rng = new Rng(seed + 7);
  const fit = new Uint8Array(trained.length);
  const held: number[] = [];
  const mean = new Float32Array(k);
  let trainedCount = 0;
  for (let i = 0; i < trained.length; i++) {
    if (!trained[i]) continue;
    trainedCount++;
    for (let a = 0; a < k; a++) mean[a]! += itemFactors[i * k + a]!;
    if (rng.next() < pseudoCold) held.push(i);
    else fit[i] = 1;
  }
  for (let a = 0; a < k; a++) mean[a]! /= Math.max(1, trainedCount);
  const gram = new Float64Array(k * k);
  for (let u = 0; u < userFactors.length / k; u++)
    for (let a = 0; a < k; a++) {
      const ua = userFactors[u * k + a]!;
      if (ua !== 0) for (let c = 0; c < k; c++) gram[a * k + c]! += ua * userFactors[u * k + c]!;
    }
  const heldText = new Float32Array(held.length * textDim);
  const own = new Float32Array(held.length * k);
  held.forEach((i, r) => {
    heldText.set(text.subarray(i * textDim, (i + 1) * textDim), r * textDim);
    own.set(itemFactors.subarray(i * k, (i + 1) * k), r * k);
  });
  const map = fitTextToMfRidge(text, textDim, itemFactors, k, fit, { ...ridge, seed });
  const projected = projectText(map, heldText);
  const denominator = spread(projected, mean, gram, k);
  const scale = denominator > 0 ? Math.sqrt(spread(own, mean, gram, k) / denominator) : 1;
  return { mean, scale, pseudoCold: held.length };
}

/** mean + scale · (p − mean) for each k-row of `projected` (a copy). */
export function applyCalibration(c: ProjectionCalibration, projected: Float32Array): Float32Array {
  const k = c.mean.length;
  const out = new Float32Array(projected.length);
  for (let p = 0; p < projected.length; p++) {
    const m = c.mean[p % k]!;
    out[p] = m + c.scale * (projected[p]! - m);
  }
  return out;
}
