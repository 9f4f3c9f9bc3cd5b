import type { ItemFilter } from "./engine.js";

/** One ranked candidate before it becomes a response item. */
export interface Ranked {
  item: string;
  score: number;
  row: number;
}

export function allowedBy(filter: ItemFilter | undefined, tags: readonly string[] | undefined): boolean {
  if (!filter) return true;
  const have = tags ?? [];
  if (filter.anyTags?.length && !filter.anyTags.some((t) => have.includes(t))) return false;
  if (filter.noTags?.some((t) => have.includes(t))) return false;
  return true;
}

/**
 * Popularity-bias control: subtracts `penalty` × the item's popularity z-score (within this list) from
 * the relevance z-score, so 0 leaves the order alone and 1 weighs unpopularity like relevance.
 */
export function penalisePopularity(ranked: Ranked[], logPop: (r: Ranked) => number, penalty: number): void {
  if (penalty <= 0 || ranked.length < 2) return;
  const z = (xs: number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
    return xs.map((x) => (x - mean) / sd);
  };
  const zs = z(ranked.map((r) => r.score));
  const zp = z(ranked.map(logPop));
  ranked.forEach((r, i) => {
    r.score = zs[i]! - penalty * zp[i]!;
  });
}

/**
 * Maximal marginal relevance: greedily picks the item maximising (1-λ)·relevance − λ·(max similarity to
 * what is already picked). Relevance is min-max scaled so λ means the same for any score range.
 */
export function mmr(
  ranked: Ranked[],
  k: number,
  lambda: number,
  vector: (r: Ranked) => Float32Array | null,
): Ranked[] {
  if (lambda <= 0 || ranked.length <= 1) return ranked.slice(0, k);
  const scores = ranked.map((r) => r.score);
  const lo = Math.min(...scores);
  const span = Math.max(...scores) - lo || 1;
  const left = ranked.map((r) => ({ r, v: vector(r), maxSim: 0 }));
  const picked: Ranked[] = [];
  while (picked.length < k && left.length > 0) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    left.forEach((c, i) => {
      const value = (1 - lambda) * ((c.r.score - lo) / span) - lambda * c.maxSim;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    const chosen = left.splice(best, 1)[0]!;
    picked.push(chosen.r);
    if (!chosen.v) continue;
    for (const c of left) {
      if (!c.v) continue;
      let s = 0;
      for (let d = 0; d < c.v.length; d++) s += chosen.v[d]! * c.v[d]!;
      if (s > c.maxSim) c.maxSim = s;
    }
  }
  return picked;
}
