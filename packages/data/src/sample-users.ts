import { Rng } from "@tandem/core";
import type { UserItems } from "./user-items.js";

/**
 * The rows of at most `max` users with targets, chosen by a seeded shuffle; the other users' rows are
 * left empty (same shape, so indexes still line up). What per-epoch validation scores at size: a fixed
 * sample, the same every epoch, so epochs are compared on the same users.
 */
export function sampleTargetUsers(targets: UserItems, max: number, seed: number): UserItems {
  const withTargets: number[] = [];
  for (let u = 0; u < targets.numUsers; u++)
    if (targets.indptr[u + 1]! > targets.indptr[u]!) withTargets.push(u);
  if (withTargets.length <= max) return targets;
  const chosen = new Uint8Array(targets.numUsers);
  for (const u of new Rng(seed ^ 0x5a3b1e).shuffle(withTargets).slice(0, max)) chosen[u] = 1;
  const indptr = new Int32Array(targets.numUsers + 1);
  for (let u = 0; u < targets.numUsers; u++)
    indptr[u + 1] = indptr[u]! + (chosen[u] ? targets.indptr[u + 1]! - targets.indptr[u]! : 0);
  const n = indptr[targets.numUsers]!;
  const out: UserItems = {
    numUsers: targets.numUsers,
    numItems: targets.numItems,
    indptr,
    items: new Int32Array(n),
    times: new Float64Array(n),
    values: new Float32Array(n),
  };
  for (let u = 0; u < targets.numUsers; u++) {
    if (!chosen[u]) continue;
    const from = targets.indptr[u]!;
    const to = targets.indptr[u + 1]!;
    out.items.set(targets.items.subarray(from, to), indptr[u]!);
    out.times.set(targets.times.subarray(from, to), indptr[u]!);
    out.values.set(targets.values.subarray(from, to), indptr[u]!);
  }
  return out;
}
