import { type Candidate, GatherDots } from "@tandem/recall";
import type { CandidateFeatures } from "../candidate-features.js";
import { FEATURE_INDEX as F, FEATURES } from "../features.js";
import { seqState } from "./seq-stage.js";
import type { StageModels } from "./stage-models.js";

/** How many recent items make the "last items" text vector. */
export const LAST_ITEMS = 3;

const dot = (a: Float32Array, ao: number, b: Float32Array, bo: number, n: number) => {
  let s = 0;
  for (let d = 0; d < n; d++) s += a[ao + d]! * b[bo + d]!;
  return s;
};

/** [a · row(i), b · row(i)] per item i of `rows` (n floats per row), interleaved. */
function pairsOf(rows: Float32Array, n: number, a: Float32Array, b: Float32Array, items: Int32Array) {
  const kernel = GatherDots.over(rows, n);
  if (kernel) return kernel.pairs(a, b, items);
  const out = new Float32Array(2 * items.length);
  items.forEach((i, r) => {
    out[2 * r] = dot(a, 0, rows, i * n, n);
    out[2 * r + 1] = dot(b, 0, rows, i * n, n);
  });
  return out;
}

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
  const items = Int32Array.from(candidates, (c) => c.item);
  // The dot products through the SIMD kernel (one pass over each item row for both text features);
  // the JavaScript loops only where WebAssembly could not hold a matrix's copy.
  const text = pairsOf(stage.itemText, t, vectors.textProfile, vectors.textLast, items);
  const mfDots = pairsOf(mf.parts.itemFactors, k, vectors.mf, vectors.mf, items);
  const textMfDots = textMf && pairsOf(textMf, k, vectors.mf, vectors.mf, items);
  const seqDots = seq && userSeq && pairsOf(seq.items, seq.dim, userSeq, userSeq, items);
  for (let r = 0; r < candidates.length; r++) {
    const i = items[r]!;
    const row = r * dim;
    const s = candidates[r]!.sources;
    values[row + F.mf] = mfDots[2 * r]! + (bpr ? mf.parts.itemBias[i]! : 0);
    values[row + F.textProfile] = text[2 * r]!;
    values[row + F.textLast] = text[2 * r + 1]!;
    if (textMfDots) values[row + F.textMf] = textMfDots[2 * r]!;
    if (seqDots) values[row + F.seq] = seqDots[2 * r]!;
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
  }
  return {
    features: { names: FEATURES, items, values },
    candidates,
    vectors,
  };
}
