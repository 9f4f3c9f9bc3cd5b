import { InvalidArgumentError, type Rng } from "@tandem/core";
import type { SynthShape } from "./shapes.js";

/**
 * Items per user: min + lognormal, scaled so the counts add up to exactly `shape.interactions`. With the
 * ML-1M shape this gives min 20 and a median near 96 (the real set's), each count capped at 60% of the
 * catalogue so distinct draws stay possible.
 */
export function userActivity(shape: SynthShape, rng: Rng): Int32Array {
  const mean = shape.interactions / shape.users;
  const min = Math.min(20, Math.max(1, Math.floor(mean / 4)));
  const cap = Math.max(min, Math.floor(shape.items * 0.6));
  if (shape.interactions > shape.users * cap || shape.interactions < shape.users * min) {
    throw new InvalidArgumentError(
      `shape ${shape.name}: ${shape.interactions} interactions cannot be spread over ${shape.users} users ` +
        `with ${min}–${cap} distinct items each (${shape.items} items)`,
    );
  }
  // ML-1M: the median is ≈ half the mean above the floor; σ follows from mean/median = exp(σ²/2).
  const median = min + 0.5 * (mean - min);
  const sigma = Math.sqrt(2 * Math.log((mean - min) / Math.max(1e-9, median - min)));
  const raw = Float64Array.from({ length: shape.users }, () => Math.exp(sigma * rng.normal()));
  const total = (s: number) => {
    let t = 0;
    for (const x of raw) t += Math.min(cap, min + x * s);
    return t;
  };
  let lo = 0;
  let hi = 1;
  while (total(hi) < shape.interactions) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (total(mid) < shape.interactions) lo = mid;
    else hi = mid;
  }
  const exact = Array.from(raw, (x) => Math.min(cap, min + x * hi));
  const counts = Int32Array.from(exact, Math.floor);
  let missing = shape.interactions - counts.reduce((a, b) => a + b, 0);
  // Hand out the rounding remainder by largest fraction, then to anyone below the cap.
  const byFraction = exact.map((x, u) => [x - Math.floor(x), u] as const).sort((a, b) => b[0] - a[0]);
  for (const [, u] of byFraction) {
    if (missing === 0) break;
    if (counts[u]! < cap) {
      counts[u]! += 1;
      missing--;
    }
  }
  for (let u = 0; missing > 0; u = (u + 1) % shape.users) {
    if (counts[u]! < cap) {
      counts[u]! += 1;
      missing--;
    }
  }
  for (let u = 0; missing < 0; u = (u + 1) % shape.users) {
    if (counts[u]! > min) {
      counts[u]! -= 1;
      missing++;
    }
  }
  return counts;
}
