import { Progress } from "@tandem/core";
import type { Dataset } from "@tandem/data";
import { userItemsOf } from "@tandem/data";
import { biasedItemVectors } from "@tandem/recall";
import {
  buildCandidates,
  deferredUserRecord,
  FEATURES,
  FusionScorer,
  type LinearFusion,
  type StageModels,
  serializeFusion,
  statsVectors,
  VERSION_METADATA,
  versionKinds,
} from "@tandem/rerank";
import type { FeatureStore, UserRecord } from "@tandem/store";
import { lastEventAt } from "./active-users.js";
import { writeSimilarLists } from "./similar-lists.js";

export interface WriteVersionOptions {
  /** Candidates kept per user, best by fusion score first (the request path re-scores them). Default 200. */
  keep?: number;
  /** Users per store write (one pipeline on Redis). Default 200. */
  batch?: number;
  progress?: boolean;
  /** Called after each batch with users done and total (the run state's progress, for the console). */
  onProgress?: (done: number, total: number) => void;
  /** Extra JSON metadata stored with the version (evaluation, model settings...). */
  metadata?: Record<string, unknown>;
  /** Skip users (privacy erasure). */
  exclude?: ReadonlySet<string>;
  /** Most-similar items stored per item for /similar (0 = none; serving then scans). Default 0. */
  similarItems?: number;
  /**
   * Which users (by index in the stage's history) get candidates; the others a deferred record
   * (activeUserFilter, config nightly.precomputeActiveDays). Default everyone.
   */
  precompute?: ((userIndex: number) => boolean) | null;
}

/**
 * Writes a complete serving version from fitted stages and a fusion: item vectors, per-user candidate
 * lists with their feature rows (top `keep` by fusion score), user vectors, popularity, fusion model
 * and item tags. Does not publish: the caller decides (quality gate).
 */
export async function writeTandemVersion(
  store: FeatureStore,
  version: string,
  dataset: Dataset,
  stage: StageModels,
  fusion: LinearFusion,
  options: WriteVersionOptions = {},
): Promise<{ users: number; candidates: number }> {
  const itemIds = dataset.items.ids();
  const similar = options.similarItems ?? 0;
  const { itemKinds, userKinds } = versionKinds(stage.mf.dim, stage.textDim, similar);
  const keep = options.keep ?? 200;
  const batchSize = options.batch ?? 200;
  const users = dataset.users.ids();
  const batches = Math.ceil(users.length / batchSize);
  // Declared parts: publish refuses the version until the item tables and every user batch are in.
  const parts = ["items", ...Array.from({ length: batches }, (_, b) => `users:${b}`)];
  await store.beginVersion(version, { itemIds, columns: FEATURES, itemKinds, userKinds, parts });

  const tables = itemTables(stage, itemIds);
  await store.writeItemVectors(version, "mf", itemIds, tables.mf);
  await store.writeItemVectors(version, "text", itemIds, stage.itemText);
  await store.writeItemVectors(version, "stats", itemIds, tables.stats);
  await writeSimilarLists(store, version, stage, itemIds, similar, options.progress ?? false);
  await store.writePopularity(version, tables.popularity.items, tables.popularity.scores);
  await writeServingMetadata(store, version, dataset, fusion);
  for (const [name, value] of Object.entries(options.metadata ?? {}))
    await store.writeMetadata(version, name, value);
  await store.completeParts(version, ["items"]);

  const scorer = new FusionScorer(fusion);
  const progress = new Progress("precompute users", users.length, { enabled: options.progress ?? false });
  let written = 0;
  let candidates = 0;
  for (let start = 0; start < users.length; start += batchSize) {
    const records: UserRecord[] = [];
    for (let u = start; u < Math.min(users.length, start + batchSize); u++) {
      const userId = users[u]!;
      if (options.exclude?.has(userId)) continue;
      if (options.precompute && !options.precompute(u)) {
        records.push(deferredUserRecord(userId, lastEventAt(stage.history, u)));
        continue;
      }
      const history = userItemsOf(stage.history, u);
      const record = userRecordFor(stage, scorer, itemIds, userId, u, history, keep);
      record.scalars = { lastEventAt: stage.history.times[stage.history.indptr[u + 1]! - 1] ?? 0 };
      candidates += record.candidates!.items.length;
      records.push(record);
    }
    await store.writeUsers(version, records);
    await store.completeParts(version, [`users:${start / batchSize}`]);
    written += records.length;
    progress.tick(Math.min(batchSize, users.length - start));
    options.onProgress?.(Math.min(start + batchSize, users.length), users.length);
  }
  return { users: written, candidates };
}

/**
 * One user's serving record: candidates (top `keep` by fusion score, with their feature rows), the
 * user vectors request-time features need (callers add scalars). `user` is the index in the
 * stage's history, or -1 for a user it has not seen (or whose new events it has not seen): then MF is
 * folded in and the text vectors come from `history`.
 */
export function userRecordFor(
  stage: StageModels,
  scorer: FusionScorer,
  itemIds: readonly string[],
  userId: string,
  user: number,
  history: Int32Array,
  keep: number,
): UserRecord {
  const dim = FEATURES.length;
  const k = stage.mf.dim;
  const built = buildCandidates(stage, user, history);
  const scores = scorer.score(built.features);
  const best = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, keep);
  const features = new Float32Array(best.length * dim);
  best.forEach((row, r) => {
    features.set(built.features.values.subarray(row * dim, (row + 1) * dim), r * dim);
  });
  const mf = new Float32Array(k + 1);
  mf.set(built.vectors.mf);
  mf[k] = 1;
  return {
    userId,
    candidates: { items: best.map((row) => itemIds[built.features.items[row]!]!), features },
    vectors: { mf, textProfile: built.vectors.textProfile, textLast: built.vectors.textLast },
  };
}

/**
 * Per-item tables a version stores: MF factors with the item bias as one more dimension, the
 * [logPop, recentPop, age] stats, and the popularity order (the cold-start answer).
 */
export function itemTables(stage: StageModels, itemIds: readonly string[]) {
  const order = [...stage.stats.logPop.keys()].sort(
    (a, b) => stage.stats.logPop[b]! - stage.stats.logPop[a]!,
  );
  return {
    mf: biasedItemVectors(stage.mf),
    stats: statsVectors(stage.stats),
    popularity: {
      items: order.map((i) => itemIds[i]!),
      scores: Float32Array.from(order, (i) => Math.expm1(stage.stats.logPop[i]!)),
    },
  };
}

/** The fusion model and item tags serving needs from a version (names in VERSION_METADATA). */
export async function writeServingMetadata(
  store: FeatureStore,
  version: string,
  dataset: Dataset,
  fusion: LinearFusion,
): Promise<void> {
  await store.writeMetadata(version, VERSION_METADATA.fusion, serializeFusion(fusion));
  await store.writeMetadata(
    version,
    VERSION_METADATA.itemTags,
    Object.fromEntries(dataset.itemInfo.map((item) => [item.id, item.tags ?? []])),
  );
  // For people looking at a version (the console's user explorer), not for scoring.
  await store.writeMetadata(
    version,
    VERSION_METADATA.itemTitles,
    Object.fromEntries(dataset.itemInfo.map((item) => [item.id, item.title])),
  );
}
