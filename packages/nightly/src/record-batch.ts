import { userItemsOf } from "@tandem/data";
import { topK } from "@tandem/eval";
import type { Candidate } from "@tandem/recall";
import { buildCandidates, FEATURES, type FusionScorer, type StageModels } from "@tandem/rerank";
import type { UserRecord } from "@tandem/store";

/** One user's serving record in catalogue indexes (no id strings): what crosses a thread boundary. */
export interface CandidateRecord {
  /** Candidate item indexes, best fusion score first. */
  items: Int32Array;
  /** items.length × FEATURES.length feature rows, in `items` order. */
  features: Float32Array;
  /** MF user vector with the constant 1 the biased item vectors pair with (mf.dim + 1). */
  mf: Float32Array;
  textProfile: Float32Array;
  textLast: Float32Array;
  /** The sequence state (stage.seq.dim floats), or empty when the stage has no seq model. */
  seq: Float32Array;
}

/**
 * The top `keep` candidates of one user by fusion score with their feature rows and user vectors. `user`
 * is the index in the stage's history, or -1 for a user it has not seen (MF folds `history` in).
 */
export function candidateRecord(
  stage: StageModels,
  scorer: FusionScorer,
  user: number,
  history: Int32Array,
  keep: number,
  recalled?: Candidate[],
): CandidateRecord {
  const dim = FEATURES.length;
  const k = stage.mf.dim;
  const built = buildCandidates(stage, user, history, recalled);
  const scores = scorer.score(built.features);
  // Bounded selection, ties to the lower row: the order a stable descending sort gives.
  const best = topK(scores, keep);
  const items = new Int32Array(best.length);
  const features = new Float32Array(best.length * dim);
  for (let r = 0; r < best.length; r++) {
    const row = best[r]!;
    items[r] = built.features.items[row]!;
    features.set(built.features.values.subarray(row * dim, (row + 1) * dim), r * dim);
  }
  const mf = new Float32Array(k + 1);
  mf.set(built.vectors.mf);
  mf[k] = 1;
  const { textProfile, textLast } = built.vectors;
  return { items, features, mf, textProfile, textLast, seq: built.vectors.seq ?? new Float32Array(0) };
}

/** A record in the store's terms: ids for the user and the candidate items. */
export function toUserRecord(userId: string, itemIds: readonly string[], r: CandidateRecord): UserRecord {
  return {
    userId,
    candidates: { items: Array.from(r.items, (i) => itemIds[i]!), features: r.features },
    vectors: {
      mf: r.mf,
      textProfile: r.textProfile,
      textLast: r.textLast,
      ...(r.seq.length > 0 && { seq: r.seq }),
    },
  };
}

/**
 * Several users' CandidateRecords packed into a few flat typed arrays: one postMessage with transferred
 * buffers instead of thousands of small cloned arrays. User b's candidates are rows offsets[b]..offsets[b+1].
 */
export interface RecordBatch {
  users: Int32Array;
  offsets: Int32Array;
  items: Int32Array;
  features: Float32Array;
  mf: Float32Array;
  textProfile: Float32Array;
  textLast: Float32Array;
  /** n × seq dim (empty without a seq model). */
  seq: Float32Array;
}

/**
 * Users recalled together (a multiple of the flat scan's four queries per pass). 64, not 8: each source
 * then runs 64 searches in a row while its index is likely still in cache; at 59,047 items a usearch search
 * cost 1.7–2.4× less (MF 0.39 → 0.16 ms, text 0.61 → 0.37 ms; bench/results/precompute-profile.md). 256 gains nothing more.
 */
const RECALL_BLOCK = 64;

/** The records of `users` (indexes in the stage's history, all known to its MF model), in order. */
export function candidateRecords(
  stage: StageModels,
  scorer: FusionScorer,
  users: Int32Array,
  keep: number,
): CandidateRecord[] {
  const records: CandidateRecord[] = [];
  // Recall a block of users at a time: a flat index's scan reads the item matrix once per four queries.
  for (let from = 0; from < users.length; from += RECALL_BLOCK) {
    const block = users.subarray(from, from + RECALL_BLOCK);
    const histories = Array.from(block, (u) => userItemsOf(stage.history, u));
    const recalled = stage.recall.forHistories(block, histories);
    for (let b = 0; b < block.length; b++)
      records.push(candidateRecord(stage, scorer, block[b]!, histories[b]!, keep, recalled[b]));
  }
  return records;
}

/** Builds and packs the records of `users` (indexes in the stage's history). */
export function buildRecordBatch(
  stage: StageModels,
  scorer: FusionScorer,
  users: Int32Array,
  keep: number,
): RecordBatch {
  const records = candidateRecords(stage, scorer, users, keep);
  const n = users.length;
  const dim = FEATURES.length;
  const mfDim = stage.mf.dim + 1;
  const t = stage.textDim;
  const q = stage.seq?.dim ?? 0;
  const offsets = new Int32Array(n + 1);
  records.forEach((r, b) => {
    offsets[b + 1] = offsets[b]! + r.items.length;
  });
  const batch: RecordBatch = {
    users: Int32Array.from(users),
    offsets,
    items: new Int32Array(offsets[n]!),
    features: new Float32Array(offsets[n]! * dim),
    mf: new Float32Array(n * mfDim),
    textProfile: new Float32Array(n * t),
    textLast: new Float32Array(n * t),
    seq: new Float32Array(n * q),
  };
  records.forEach((r, b) => {
    batch.items.set(r.items, offsets[b]!);
    batch.features.set(r.features, offsets[b]! * dim);
    batch.mf.set(r.mf, b * mfDim);
    batch.textProfile.set(r.textProfile, b * t);
    batch.textLast.set(r.textLast, b * t);
    batch.seq.set(r.seq, b * q);
  });
  return batch;
}

/** The buffers a RecordBatch can hand over without copying. */
export const batchBuffers = (b: RecordBatch): ArrayBuffer[] =>
  [b.users, b.offsets, b.items, b.features, b.mf, b.textProfile, b.textLast, b.seq].map(
    (a) => a.buffer as ArrayBuffer,
  );

/** The batch's records as views into its arrays (no copies), in batch order. */
export function unpackRecordBatch(b: RecordBatch): CandidateRecord[] {
  const n = b.users.length;
  const dim = FEATURES.length;
  const mfDim = b.mf.length / Math.max(1, n);
  const t = b.textProfile.length / Math.max(1, n);
  const q = b.seq.length / Math.max(1, n);
  return Array.from({ length: n }, (_, i) => {
    const from = b.offsets[i]!;
    const to = b.offsets[i + 1]!;
    return {
      items: b.items.subarray(from, to),
      features: b.features.subarray(from * dim, to * dim),
      mf: b.mf.subarray(i * mfDim, (i + 1) * mfDim),
      textProfile: b.textProfile.subarray(i * t, (i + 1) * t),
      textLast: b.textLast.subarray(i * t, (i + 1) * t),
      seq: b.seq.subarray(i * q, (i + 1) * q),
    };
  });
}
