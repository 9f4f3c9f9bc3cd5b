import type { Candidate } from "@tandem/recall";
import type { CandidateFeatures } from "../candidate-features.js";
import { FEATURE_INDEX as F, FEATURES } from "../features.js";
import { seqState } from "./seq-stage.js";
import type { StageModels } from "./stage-models.js";

/**
 * a·x and b·x in one pass over x (each the same running sum `dot` takes): the item's 512 text floats
 * are read once for both text features.
 */
const dot2 = (
  a: Float32Array,
  b: Float32Array,
  x: Float32Array,
  xo: number,
  n: number,
  out: Float64Array,
) => {
  let sa = 0;
  let sb = 0;
  for (let d = 0; d < n; d++) {
    const v = x[xo + d]!;
    sa += a[d]! * v;
    sb += b[d]! * v;
  }
  out[0] = sa;
  out[1] = sb;
};

/** How many recent items make the "last items" text vector. */
export const LAST_ITEMS = 3;

const dot = (a: Float32Array, ao: number, b: Float32Array, bo: number, n: number) => {
  let s = 0;
  for (let d = 0; d < n; d++) s += a[ao + d]! * b[bo + d]!;
  return s;
};

/** Unit mean of the embeddings of the last `LAST_ITEMS` items of a time-ordered history. */
export function lastItemsVector(stage: StageModels, history: Int32Array): Float32Array {
  const dim = stage.textDim;
  const out = new Float32Array(dim);
  for (const item of history.subarray(Math.max(0, history.length - LAST_ITEMS))) {
    for (let d = 0; d < dim; d++) out[d]! += stage.itemText[item * dim + d]!;
  }
  const norm = Math.hypot(...out);
  if (norm > 0) for (let d = 0; d < dim; d++) out[d]! /= norm;
  return out;
}

/** The user-side vectors every feature row of one user needs. */
export interface UserVectors {
  mf: Float32Array;
  textProfile: Float32Array;
  textLast: Float32Array;
  /** The sequence state (rerank.seq), else null. */
  seq: Float32Array | null;
}

export function userVectors(stage: StageModels, user: number, history: Int32Array): UserVectors {
  const dim = stage.textDim;
  const known = user >= 0 && user < stage.mf.numUsers;
  return {
    mf: known ? stage.mf.userVector(user) : stage.mf.foldIn(history),
    textProfile: known
      ? stage.profiles.subarray(user * dim, (user + 1) * dim)
      : lastItemsVector(stage, history),
    textLast: lastItemsVector(stage, history),
    seq: stage.seq ? seqState(stage.seq, user, history) : null,
  };
}

/**
 * Recall for one user, then one feature row per candidate in `FEATURES` order. `user` is the index in
 * the stage's history, or -1 for a user it has not seen (folded in from `history`).
 */
export function buildCandidates(
  stage: StageModels,
  user: number,
  history: Int32Array,
  recalled?: Candidate[],
): { features: CandidateFeatures; candidates: Candidate[]; vectors: UserVectors } {
  // `recalled`: this user's candidates from a block recall (stage.recall.forHistories).
  const candidates = recalled ?? stage.recall.forHistory(user, history);
  const vectors = userVectors(stage, user, history);
  const dim = FEATURES.length;
  const values = new Float32Array(candidates.length * dim);
  const { mf } = stage;
  const k = mf.dim;
  const bpr = mf.parts.algorithm === "bpr";
  const t = stage.textDim;
  const { textMf, seq } = stage;
  const userSeq = vectors.seq;
  const pair = new Float64Array(2);
  candidates.forEach((c, r) => {
    const i = c.item;
    const row = r * dim;
    const s = c.sources;
    values[row + F.mf] =
      dot(vectors.mf, 0, mf.parts.itemFactors, i * k, k) + (bpr ? mf.parts.itemBias[i]! : 0);
    dot2(vectors.textProfile, vectors.textLast, stage.itemText, i * t, t, pair);
    values[row + F.textProfile] = pair[0]!;
    values[row + F.textLast] = pair[1]!;
    if (textMf) values[row + F.textMf] = dot(vectors.mf, 0, textMf, i * k, k);
    if (seq && userSeq) values[row + F.seq] = dot(userSeq, 0, seq.items, i * seq.dim, seq.dim);
    values[row + F.cooc] = s.cooc ?? 0;
    values[row + F.next] = s.next ?? 0;
    values[row + F.logPop] = stage.stats.logPop[i]!;
    values[row + F.recentPop] = stage.stats.recentPop[i]!;
    values[row + F.age] = stage.stats.age[i]!;
    values[row + F.fromMf] = s.mf !== undefined ? 1 : 0;
    values[row + F.fromPop] = s.pop !== undefined ? 1 : 0;
    values[row + F.fromCooc] = s.cooc !== undefined ? 1 : 0;
    values[row + F.fromNext] = s.next !== undefined ? 1 : 0;
    values[row + F.fromText] = s.text !== undefined ? 1 : 0;
    values[row + F.fromSeq] = s.seq !== undefined ? 1 : 0;
  });
  return {
    features: { names: FEATURES, items: Int32Array.from(candidates, (c) => c.item), values },
    candidates,
    vectors,
  };
}
