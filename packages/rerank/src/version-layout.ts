import type { ItemStats } from "./features.js";
import type { ItemStatsTable } from "./pipeline/item-stats.js";

/**
 * A published Tandem version's layout: the vector kinds it declares and how each is encoded. The
 * nightly writes through these functions and serving reads through them, so the two cannot drift.
 */

/** Metadata a published version carries, by name: written by the nightly job, read by serving and the gate. */
export const VERSION_METADATA = {
  fusion: "fusion",
  itemTags: "itemTags",
  evaluation: "evaluation",
  itemTitles: "itemTitles",
} as const;

/** Item kind holding each item's precomputed most-similar items (what /similar serves). */
export const SIMILAR_KIND = "similar";

/** The optional stages a version carries vectors for (rerank.textMf, rerank.seq). */
export interface OptionalKinds {
  textMf?: boolean;
  /** Sequence state / item embedding width; absent or 0 = no seq vectors. */
  seqDim?: number;
}

/**
 * Vector kinds a Tandem version carries, and their dimensions. `similarDepth` 0 stores no similar lists.
 * `textMf` item rows pair with the MF user row; `seq` user rows (states) with `seq` item rows.
 */
export function versionKinds(mfDim: number, textDim: number, similarDepth = 0, optional: OptionalKinds = {}) {
  // MF item rows carry the item bias as one extra dimension (@tandem/recall biasedItemVectors); user rows a 1.
  const mf = mfDim + 1;
  const seq = optional.seqDim ?? 0;
  return {
    itemKinds: {
      mf,
      text: textDim,
      stats: 3,
      ...(optional.textMf && { textMf: mf }),
      ...(seq > 0 && { seq }),
      ...(similarDepth > 0 && { [SIMILAR_KIND]: 2 * similarDepth }),
    },
    userKinds: { mf, textProfile: textDim, textLast: textDim, ...(seq > 0 && { seq }) },
  };
}

/** The kinds `stage` has vectors for (what versionKinds' `optional` is for a fitted stage). */
export const stageKinds = (stage: { textMf: Float32Array | null; seq: { dim: number } | null }) => ({
  textMf: stage.textMf !== null,
  seqDim: stage.seq?.dim ?? 0,
});

/**
 * The "textMf" kind: each item's projected text (numItems × mfDim) widened to the MF rows' mfDim + 1
 * with a 0 last entry, so the MF user row (its last entry 1) dots it to exactly the `textMf` feature.
 */
export function textMfVectors(projected: Float32Array, mfDim: number): Float32Array {
  const n = projected.length / mfDim;
  const out = new Float32Array(n * (mfDim + 1));
  for (let i = 0; i < n; i++) out.set(projected.subarray(i * mfDim, (i + 1) * mfDim), i * (mfDim + 1));
  return out;
}

/** The "stats" kind: [logPop, recentPop, age] per item. */
export function statsVectors(stats: ItemStatsTable): Float32Array {
  const n = stats.logPop.length;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = stats.logPop[i]!;
    out[i * 3 + 1] = stats.recentPop[i]!;
    out[i * 3 + 2] = stats.age[i]!;
  }
  return out;
}

export const statsFromVector = (v: Float32Array | null | undefined): ItemStats | undefined =>
  v ? { logPop: v[0]!, recentPop: v[1]!, age: v[2]! } : undefined;

/**
 * The "similar" kind: `depth` catalogue indexes then their `depth` scores, best first; a short list is
 * padded with index -1. Indexes are exact in float32 up to 2^24 items.
 */
export function similarVectors(lists: readonly { keys: Int32Array; scores: Float32Array }[], depth: number) {
  const out = new Float32Array(lists.length * 2 * depth).fill(-1);
  lists.forEach((list, i) => {
    const n = Math.min(depth, list.keys.length);
    const at = i * 2 * depth;
    for (let r = 0; r < n; r++) {
      out[at + r] = list.keys[r]!;
      out[at + depth + r] = list.scores[r]!;
    }
  });
  return out;
}

export function similarFromVector(v: Float32Array): { keys: number[]; scores: number[] } {
  const depth = v.length / 2;
  const keys: number[] = [];
  const scores: number[] = [];
  for (let r = 0; r < depth && v[r]! >= 0; r++) {
    keys.push(v[r]!);
    scores.push(v[depth + r]!);
  }
  return { keys, scores };
}

/**
 * Scalar that marks a user the nightly deliberately did not precompute (inactive for longer than
 * nightly.precomputeActiveDays): the version knows them, serving answers from popularity and asks for
 * an update-user job.
 */
export const DEFERRED_SCALAR = "deferred";

/**
 * A deferred user's record: an empty candidate list (so the version still counts the user: the
 * completeness checks compare users held with users in the data) and the user's last event time.
 */
export function deferredUserRecord(userId: string, lastEventAt: number) {
  return {
    userId,
    candidates: { items: [] as string[], features: new Float32Array(0) },
    scalars: { lastEventAt, [DEFERRED_SCALAR]: 1 },
  };
}

export const isDeferred = (scalars: Readonly<Record<string, number>>): boolean =>
  scalars[DEFERRED_SCALAR] === 1;
