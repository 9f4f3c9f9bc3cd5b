import { availableParallelism } from "node:os";
import { Progress } from "@tandem/core";
import type { Dataset } from "@tandem/data";
import { userItemsOf } from "@tandem/data";
import { biasedItemVectors } from "@tandem/recall";
import {
  deferredUserRecord,
  FEATURES,
  type Fusion,
  FusionScorer,
  type StageModels,
  serializeFusion,
  stageKinds,
  statsVectors,
  textMfVectors,
  VERSION_METADATA,
  versionKinds,
} from "@tandem/rerank";
import type { FeatureStore, UserRecord } from "@tandem/store";
import { lastEventAt } from "./active-users.js";
import { PrecomputePool } from "./precompute-pool.js";
import {
  type CandidateRecord,
  candidateRecord,
  candidateRecords,
  toUserRecord,
  unpackRecordBatch,
} from "./record-batch.js";
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
  /**
   * Worker threads building the candidate lists (`nightly.precomputeThreads`; 0 = one per core). 1 (the
   * default) builds them on this thread: the reference the threaded path is tested against. Same records
   * at any count.
   */
  threads?: number;
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
  fusion: Fusion,
  options: WriteVersionOptions = {},
): Promise<{ users: number; candidates: number }> {
  const itemIds = dataset.items.ids();
  const similar = options.similarItems ?? 0;
  const { itemKinds, userKinds } = versionKinds(stage.mf.dim, stage.textDim, similar, stageKinds(stage));
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
  await writeOptionalItemVectors(store, version, stage, itemIds);
  await writeSimilarLists(store, version, stage, itemIds, similar, options.progress ?? false);
  await store.writePopularity(version, tables.popularity.items, tables.popularity.scores);
  await writeServingMetadata(store, version, dataset, fusion);
  for (const [name, value] of Object.entries(options.metadata ?? {}))
    await store.writeMetadata(version, name, value);
  await store.completeParts(version, ["items"]);

  const scorer = new FusionScorer(fusion);
  const progress = new Progress("precompute users", users.length, { enabled: options.progress ?? false });
  const threads = options.threads === 0 ? availableParallelism() : (options.threads ?? 1);
  const pool = threads > 1 ? PrecomputePool.start(stage, fusion, keep, threads) : null;
  /** Batch b's records, in user order. */
  const batchRecords = async (b: number): Promise<UserRecord[]> => {
    const picked: number[] = [];
    for (let u = b * batchSize; u < Math.min(users.length, (b + 1) * batchSize); u++)
      if (!options.exclude?.has(users[u]!)) picked.push(u);
    const deferred = (u: number) => options.precompute != null && !options.precompute(u);
    // Users MF was trained on go to the pool (or are recalled in blocks here); a fold-in (TF.js) stays
    // on this thread, one at a time.
    const pooled = Int32Array.from(picked.filter((u) => u < stage.mf.numUsers && !deferred(u)));
    const built = new Map<number, CandidateRecord>();
    if (pooled.length > 0) {
      const records = pool
        ? unpackRecordBatch(await pool.build(pooled))
        : candidateRecords(stage, scorer, pooled, keep);
      records.forEach((r, i) => {
        built.set(pooled[i]!, r);
      });
    }
    return picked.map((u) => {
      if (deferred(u)) return deferredUserRecord(users[u]!, lastEventAt(stage.history, u));
      const r = built.get(u) ?? candidateRecord(stage, scorer, u, userItemsOf(stage.history, u), keep);
      const record = toUserRecord(users[u]!, itemIds, r);
      record.scalars = { lastEventAt: lastEventAt(stage.history, u) };
      return record;
    });
  };
  let written = 0;
  let candidates = 0;
  // Up to two batches per worker in flight while this thread writes the finished ones, in order.
  const ahead = pool ? 2 * threads : 1;
  const inFlight: Promise<UserRecord[]>[] = [];
  const launch = (b: number) => {
    if (b >= batches) return;
    const p = batchRecords(b);
    p.catch(() => {}); // awaited in order below; this only keeps a later failure from being "unhandled"
    inFlight.push(p);
  };
  try {
    for (let b = 0; b < Math.min(ahead, batches); b++) launch(b);
    for (let b = 0; b < batches; b++) {
      const records = await inFlight.shift()!;
      launch(b + ahead);
      for (const r of records) candidates += r.candidates!.items.length;
      await store.writeUsers(version, records);
      await store.completeParts(version, [`users:${b}`]);
      written += records.length;
      const done = Math.min((b + 1) * batchSize, users.length);
      progress.tick(done - b * batchSize);
      options.onProgress?.(done, users.length);
    }
  } finally {
    await pool?.close();
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
  return toUserRecord(userId, itemIds, candidateRecord(stage, scorer, user, history, keep));
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

/** The item vectors of the optional stages (`textMf`, `seq`) the stage has: what versionKinds declares. */
export async function writeOptionalItemVectors(
  store: FeatureStore,
  version: string,
  stage: StageModels,
  itemIds: readonly string[],
): Promise<void> {
  if (stage.textMf)
    await store.writeItemVectors(version, "textMf", itemIds, textMfVectors(stage.textMf, stage.mf.dim));
  if (stage.seq) await store.writeItemVectors(version, "seq", itemIds, stage.seq.items);
}

/** The fusion model and item tags serving needs from a version (names in VERSION_METADATA). */
export async function writeServingMetadata(
  store: FeatureStore,
  version: string,
  dataset: Dataset,
  fusion: Fusion,
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
