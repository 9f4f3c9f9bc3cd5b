import type { UserItems } from "@tandem/data";
import { UserProfile } from "./user-profile.js";

/**
 * Unit profiles for every user of `history` (numUsers × dim, row-major) from item embeddings
 * (numItems × dim). Users without history get a zero row, which scores every item 0. `day` is one day in
 * the history's time unit (`dayUnit`: positions for a log without timestamps).
 */
export function buildProfiles(
  history: UserItems,
  itemVectors: Float32Array,
  dim: number,
  halfLifeDays: number,
  day?: number,
): Float32Array {
  const out = new Float32Array(history.numUsers * dim);
  for (let u = 0; u < history.numUsers; u++) {
    const profile = new UserProfile(dim, halfLifeDays, day);
    for (let p = history.indptr[u]!; p < history.indptr[u + 1]!; p++) {
      const item = history.items[p]!;
      profile.add(itemVectors.subarray(item * dim, (item + 1) * dim), history.times[p]!);
    }
    out.set(profile.vector(), u * dim);
  }
  return out;
}
