import { InvalidArgumentError } from "@tandem/core";
import type { UserItems } from "@tandem/data";

const DAY = 86_400;

/**
 * Unit profiles for every user of `history` (numUsers × dim, row-major) from item embeddings
 * (numItems × dim): the direction of Σ 2^(-(tLast - t) / halfLife) v, as UserProfile builds one event at a
 * time. Users without history get a zero row, which scores every item 0. `day` is one day in the
 * history's time unit (`dayUnit`: positions for a log without timestamps).
 */
export function buildProfiles(
  history: UserItems,
  itemVectors: Float32Array,
  dim: number,
  halfLifeDays: number,
  day = DAY,
): Float32Array {
  if (!(halfLifeDays > 0)) throw new InvalidArgumentError(`halfLifeDays must be > 0, got ${halfLifeDays}`);
  const halfLife = halfLifeDays * day;
  const out = new Float32Array(history.numUsers * dim);
  const sum = new Float32Array(dim);
  for (let u = 0; u < history.numUsers; u++) {
    const start = history.indptr[u]!;
    const end = history.indptr[u + 1]!;
    if (end === start) continue;
    // Weights relative to the newest event in one pass each: UserProfile's incremental rescaling would
    // cost a second pass over the vector per event (at 25M events, most of the stage fit's profile time).
    let newest = Number.NEGATIVE_INFINITY;
    for (let p = start; p < end; p++) newest = Math.max(newest, history.times[p]!);
    sum.fill(0);
    for (let p = start; p < end; p++) {
      const w = 2 ** (-(newest - history.times[p]!) / halfLife);
      const base = history.items[p]! * dim;
      for (let d = 0; d < dim; d++) sum[d]! += w * itemVectors[base + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += sum[d]! * sum[d]!;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) out[u * dim + d] = sum[d]! * inv;
  }
  return out;
}
