import type { UserItems } from "./user-items.js";

/**
 * How an interaction's `value` (a rating, a play count) weights the statistics models learn from:
 * none = binary (every kept interaction counts 1, the reference protocol), linear = the value itself,
 * log = log(1 + value) (saturates heavy repeat counts). Negative values count 0.
 */
export type ValueWeighting = "none" | "linear" | "log";

export const VALUE_WEIGHTINGS: readonly ValueWeighting[] = ["none", "linear", "log"];

export function valueWeight(value: number, weighting: ValueWeighting): number {
  if (weighting === "none") return 1;
  const v = Math.max(0, value);
  return weighting === "linear" ? v : Math.log1p(v);
}

/** Per stored interaction (aligned with `m.items`), the weight; null for "none" (callers keep their binary path). */
export function valueWeights(m: UserItems, weighting: ValueWeighting): Float32Array | null {
  if (weighting === "none") return null;
  return Float32Array.from(m.values.subarray(0, m.indptr[m.numUsers]!), (v) => valueWeight(v, weighting));
}

/** Per item, the sum of its interactions' weights (with "none": the interaction count). */
export function weightedItemCounts(m: UserItems, weighting: ValueWeighting): Float64Array {
  const counts = new Float64Array(m.numItems);
  for (let p = 0; p < m.indptr[m.numUsers]!; p++)
    counts[m.items[p]!]! += valueWeight(m.values[p]!, weighting);
  return counts;
}
