import { join } from "node:path";
import { type Dataset, loadDataset } from "@tandem/data";
import type { RedisFeatureStore } from "@tandem/store";
import type { Job, Queue } from "bullmq";
import {
  BaselineCandidateSource,
  HashingEmbedder,
  MeanVectorProfileBuilder,
  type NightlyRunOptions,
  PipelineQueues,
  PrecomputeProcessors,
  type ProcessorDeps,
  RandomProjectionTrainer,
  UserUpdateScheduler,
} from "../src/index.js";

export const ROOT = join(import.meta.dirname, "..", "..", "..");

let cached: Promise<Dataset> | null = null;
/** ml-latest-small after 5-core filtering: 610 users, 3,650 items. Loaded once per test file. */
export const smallDataset = () => (cached ??= loadDataset(join(ROOT, "data", "ml-latest-small")));

export const itemText = (d: Dataset) =>
  d.itemInfo.map((item) => ({ id: item.id, text: `${item.title} ${(item.tags ?? []).join(" ")}` }));

export const EMBED_DIMS = 32;
export const MF_DIMS = 16;

/** Real, cheap compute on ml-latest-small: ItemKNN + popularity candidates, random-projection CF, hashing text. */
export async function realDeps(
  store: RedisFeatureStore,
  queues: PipelineQueues,
  delayMs = 0,
): Promise<ProcessorDeps> {
  const dataset = await smallDataset();
  const scheduler = new UserUpdateScheduler(store.redis, store.keys, queues, delayMs);
  return {
    store,
    queues,
    embedder: new HashingEmbedder(EMBED_DIMS),
    candidates: await sharedSource(),
    trainer: new RandomProjectionTrainer(dataset, MF_DIMS),
    profiles: new MeanVectorProfileBuilder("text"),
    claim: (u) => scheduler.claim(u),
  };
}

let source: Promise<BaselineCandidateSource> | null = null;
export const sharedSource = async () =>
  (source ??= smallDataset().then((d) => BaselineCandidateSource.fit(d)));

export async function nightlyOptions(version: string, overrides: Partial<NightlyRunOptions> = {}) {
  const dataset = await smallDataset();
  return {
    version,
    items: itemText(dataset),
    userIds: dataset.users.ids(),
    columns: ["cooc", "pop"],
    itemKinds: { mf: MF_DIMS, text: EMBED_DIMS },
    userKinds: { mf: MF_DIMS, text: EMBED_DIMS },
    chunkSize: 100,
    embedBatchSize: 1000,
    ...overrides,
  } satisfies NightlyRunOptions;
}

export function newQueues(url: string, namespace: string) {
  return new PipelineQueues({ connection: url, namespace, attempts: 3, backoffMs: 100 });
}

export function processors(deps: ProcessorDeps) {
  return new PrecomputeProcessors(deps);
}

/** Polls until the job reaches one of the states (or fails the test after timeoutMs). */
export async function waitForState(
  queue: Queue,
  jobId: string,
  states: string[],
  timeoutMs = 30_000,
): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.getJob(jobId).catch(() => undefined);
    const state = job ? await job.getState().catch(() => "unknown") : "missing";
    // Re-read after the state matched: the first read may predate the transition (no failedReason yet).
    if (job && states.includes(state)) return (await queue.getJob(jobId))!;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is ${state}, expected ${states.join("|")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Raw bytes of a hash's fields, for byte-level comparisons. */
export async function hashBytes(store: RedisFeatureStore, key: string): Promise<Map<string, string>> {
  const h = await store.redis.hgetallBuffer(key);
  return new Map(Object.entries(h).map(([f, v]) => [f, v.toString("base64")]));
}
