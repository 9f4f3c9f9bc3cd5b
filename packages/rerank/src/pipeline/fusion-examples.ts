import { partitionUserItems, type UserItems, userItemsOf } from "@tandem/data";
import { buildProfiles } from "@tandem/semantic";
import type { CandidateFeatures, RankingExample } from "../candidate-features.js";
import { buildCandidates } from "./candidate-builder.js";
import type { StageModels } from "./stage-models.js";

/**
 * Splits off the last `cuts` items of each user with at least two (keeping at least one item in
 * `inner`): the stages are fitted on `inner`, the fusion learns from `tail`. cuts = 1 is the classic
 * "hold out the latest item".
 */
export function holdOutTail(history: UserItems, cuts: number): { inner: UserItems; tail: UserItems } {
  const partOf = new Uint8Array(history.items.length);
  for (let u = 0; u < history.numUsers; u++) {
    const start = history.indptr[u]!;
    const end = history.indptr[u + 1]!;
    if (end - start < 2) continue;
    for (let p = Math.max(start + 1, end - cuts); p < end; p++) partOf[p] = 1;
  }
  const [inner, tail] = partitionUserItems(history, partOf, 2) as [UserItems, UserItems];
  return { inner, tail };
}

/** How the stage's profiles weigh time (semantic.halfLifeDays, and one day in the data's time unit). */
export interface ProfileTime {
  halfLifeDays: number;
  day: number;
}

/** Builds one user's candidates on a stage: buildCandidates, or a cache of earlier builds first. */
export type CandidateBuild = (stage: StageModels, user: number, prefix: Int32Array) => CandidateFeatures;

/**
 * The fusion's examples, one per (user, cut): the cut at tail position j has the user's inner items
 * plus tail[0..j) as its prefix and tail[j] as its target. Leak-free by construction: the stage never
 * saw any tail item of the user (it was fitted on `inner`), and the user-side signals of a cut are
 * computed from its prefix alone (see `withPrefixUser`). The first cut is the user as the stage knows
 * them, exactly the one-example-per-user fusion of `cuts` = 1.
 */
export function cutExamples(
  stage: StageModels,
  inner: UserItems,
  tail: UserItems,
  users: readonly number[],
  profileTime: ProfileTime,
  build: CandidateBuild = (s, u, prefix) => buildCandidates(s, u, prefix).features,
  onExample: (user: number) => void = () => {},
): { examples: RankingExample[]; users: Int32Array } {
  const examples: RankingExample[] = [];
  const owners: number[] = [];
  for (const u of users) {
    const own = userItemsOf(inner, u);
    const t0 = tail.indptr[u]!;
    const t1 = tail.indptr[u + 1]!;
    for (let p = t0; p < t1; p++) {
      onExample(u);
      const target = tail.items[p]!;
      let features: CandidateFeatures;
      if (p === t0) features = build(stage, u, own);
      else {
        const prefix = concat(own, tail.items.subarray(t0, p));
        const times = prefixTimes(inner, tail, u, p);
        features = withPrefixUser(stage, u, prefix, times, profileTime, () => build(stage, u, prefix));
      }
      examples.push({ candidates: features, target: features.items.indexOf(target) });
      owners.push(u);
    }
  }
  return { examples, users: Int32Array.from(owners) };
}

const concat = (a: Int32Array, b: Int32Array): Int32Array => {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

function prefixTimes(inner: UserItems, tail: UserItems, u: number, p: number): Float64Array {
  const own = inner.times.subarray(inner.indptr[u]!, inner.indptr[u + 1]!);
  const more = tail.times.subarray(tail.indptr[u]!, p);
  const out = new Float64Array(own.length + more.length);
  out.set(own);
  out.set(more, own.length);
  return out;
}

/**
 * Runs `fn` with user `u` of the stage seen as a user whose history is `prefix`: their MF factor
 * folded in from the prefix (item factors fixed) and their text profile rebuilt from it; co-occurrence,
 * next-item and the "last items" vector already come from the prefix buildCandidates is given. The
 * stage's two rows are overwritten in place (the MF source and text recall read those very arrays, so
 * a copy would not reach them) and restored before returning, whatever `fn` does.
 */
export function withPrefixUser<T>(
  stage: StageModels,
  u: number,
  prefix: Int32Array,
  times: Float64Array,
  { halfLifeDays, day }: ProfileTime,
  fn: () => T,
): T {
  const k = stage.mf.dim;
  const factors = stage.mf.parts.userFactors;
  const dim = stage.textDim;
  const savedMf = factors.slice(u * k, (u + 1) * k);
  const savedProfile = stage.profiles.slice(u * dim, (u + 1) * dim);
  const one: UserItems = {
    numUsers: 1,
    numItems: stage.history.numItems,
    indptr: Int32Array.of(0, prefix.length),
    items: prefix,
    times,
    values: new Float32Array(prefix.length).fill(1),
  };
  try {
    factors.set(stage.mf.foldIn(prefix), u * k);
    stage.profiles.set(buildProfiles(one, stage.itemText, dim, halfLifeDays, day), u * dim);
    return fn();
  } finally {
    factors.set(savedMf, u * k);
    stage.profiles.set(savedProfile, u * dim);
  }
}
