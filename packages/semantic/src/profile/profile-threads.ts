import { type RangeWork, resolveThreads, runRangeWorkers, shared, threadRanges } from "@tandem/core";
import type { UserItems } from "@tandem/data";
import { buildProfiles, type ProfileInputs, profileInputs } from "./build-profiles.js";

/** Below this many event × dimension products one thread is quicker than starting workers. */
const MIN_WORK_FOR_THREADS = 200_000_000;

/** What a profile worker gets: the inputs and the output on SharedArrayBuffers (plus the range cursor). */
export interface ProfileWorkerData extends RangeWork {
  inputs: ProfileInputs;
}

/**
 * `buildProfiles` on `threads` worker threads (0 = one per core), each writing its user ranges into one
 * shared output: the same kernel per user, so the same profiles at any count. Small histories (under
 * `minWork` events × dim) run on the calling thread.
 */
export async function buildProfilesThreaded(
  history: UserItems,
  itemVectors: Float32Array,
  dim: number,
  halfLifeDays: number,
  day?: number,
  threads = 0,
  minWork = MIN_WORK_FOR_THREADS,
): Promise<Float32Array> {
  const n = history.numUsers;
  const count = resolveThreads(threads, n);
  if (count <= 1 || history.items.length * dim < minWork)
    return buildProfiles(history, itemVectors, dim, halfLifeDays, day);
  const out = new Float32Array(new SharedArrayBuffer(n * dim * 4));
  const inputs = profileInputs(
    {
      ...history,
      indptr: shared(history.indptr),
      items: shared(history.items),
      times: shared(history.times),
    },
    shared(itemVectors),
    dim,
    halfLifeDays,
    day,
    out,
  );
  const costs = new Float64Array(n);
  for (let u = 0; u < n; u++) costs[u] = history.indptr[u + 1]! - history.indptr[u]! + 1;
  const entry = new URL(`./profile-worker${import.meta.url.slice(-3)}`, import.meta.url);
  await runRangeWorkers(
    entry,
    { inputs },
    threadRanges(costs, history.items.length + n, count),
    count,
    () => {},
    "profile",
  );
  return out;
}
