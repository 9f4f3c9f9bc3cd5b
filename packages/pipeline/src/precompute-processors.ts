import { ConfigError, NonRetryableError, NotFoundError } from "@tandem/core";
import type { FeatureStore, UserRecord } from "@tandem/store";
import { type Job, WaitingChildrenError } from "bullmq";
import type { z } from "zod";
import type { CandidateSource, Embedder, ProfileBuilder, Trainer } from "./compute.js";
import { usersToRefresh } from "./fresh-users.js";
import {
  CHUNK,
  embedItemsSchema,
  FAN_OUT,
  fanOutSchema,
  precomputeChunkSchema,
  publishSchema,
  trainCfSchema,
  updateUserSchema,
} from "./job-schemas.js";
import type { PipelineQueues, QueueName } from "./pipeline-queues.js";

export interface ProcessorDeps {
  store: FeatureStore;
  /** Needed by embed-items. */
  embedder?: Embedder;
  /** Item vector kind the embedder writes. Default "text". */
  embedKind?: string;
  /** Needed by precompute-candidates (and optional for update-user, to refresh candidates too). */
  candidates?: CandidateSource;
  /** Needed by train-cf. */
  trainer?: Trainer;
  /** Needed by update-user. */
  profiles?: ProfileBuilder;
  /** Needed by update-user (generation claim) and the fan-out (adds chunk jobs). */
  queues?: PipelineQueues;
  claim?: (userId: string) => Promise<number>;
  /** Schedules update-user jobs (the worker's UserUpdateScheduler); publish uses it for fresh users. */
  scheduleUpdates?: (userIds: readonly string[]) => Promise<void>;
  /** Grace periods for the GC after publish; default the store's. */
  gc?: { retiredGraceMs?: number; orphanGraceMs?: number };
}

/** A payload that fails validation fails the same way every time: never retried. */
export function parsePayload<T extends z.ZodType>(
  schema: T,
  job: { name: string; data: unknown },
): z.output<T> {
  const r = schema.safeParse(job.data);
  if (r.success) return r.data;
  const why = r.error.issues.map((i) => `${i.path.join(".") || "data"}: ${i.message}`).join("; ");
  throw new NonRetryableError(`bad ${job.name} payload: ${why}`);
}

/**
 * One processor per queue. Each is idempotent: re-running a job (after a crash or a retry) writes
 * the same keys with the same bytes and marks the same part complete.
 */
export class PrecomputeProcessors {
  constructor(private readonly deps: ProcessorDeps) {}

  private need<K extends keyof ProcessorDeps>(key: K, queue: string): NonNullable<ProcessorDeps[K]> {
    const dep = this.deps[key];
    if (dep === undefined) throw new ConfigError(`the ${queue} processor needs \`${String(key)}\``);
    return dep as NonNullable<ProcessorDeps[K]>;
  }

  /** Throws ConfigError at startup when a served queue lacks its compute. */
  check(queues: readonly QueueName[]): void {
    for (const q of queues) this.processorFor(q);
  }

  processorFor(queue: QueueName): (job: Job, token?: string) => Promise<unknown> {
    switch (queue) {
      case "embed-items":
        this.need("embedder", queue);
        return (job) => this.embedItems(job);
      case "update-user":
        this.need("profiles", queue);
        this.need("claim", queue);
        return (job) => this.updateUser(job);
      case "precompute-candidates":
        this.need("candidates", queue);
        this.need("queues", queue);
        return (job, token) => (job.name === FAN_OUT ? this.fanOut(job, token) : this.precomputeChunk(job));
      case "train-cf":
        this.need("trainer", queue);
        return (job) => this.trainCf(job);
      case "publish":
        return (job) => this.publish(job);
    }
  }

  async embedItems(job: Job): Promise<{ items: number }> {
    const data = parsePayload(embedItemsSchema, job);
    const embedder = this.need("embedder", "embed-items");
    const kind = this.deps.embedKind ?? "text";
    const { store } = this.deps;
    const vectors = await embedder.embed(data.items.map((i) => i.text));
    await job.updateProgress(50);
    const flat = new Float32Array(data.items.length * embedder.dims);
    vectors.forEach((v, i) => {
      if (v.length !== embedder.dims)
        throw new NonRetryableError(`embedder returned ${v.length} dims, not ${embedder.dims}`);
      flat.set(v, i * embedder.dims);
    });
    await store.writeItemVectors(
      data.version,
      kind,
      data.items.map((i) => i.id),
      flat,
    );
    await store.writeMetadata(data.version, "encoder", { id: embedder.id, dims: embedder.dims, kind });
    await store.completeParts(data.version, [data.part]);
    await job.updateProgress(100);
    return { items: data.items.length };
  }

  async trainCf(job: Job): Promise<{ items: number; users: number }> {
    const data = parsePayload(trainCfSchema, job);
    const { store } = this.deps;
    const model = await this.need("trainer", "train-cf").train({ version: data.version });
    await job.updateProgress(60);
    await store.writeItemVectors(data.version, model.kind, model.itemIds, model.itemVectors);
    const userIds = model.userIds ?? [];
    if (model.userVectors && userIds.length > 0) {
      const erased = new Set(await store.erasedUsers());
      const records: UserRecord[] = [];
      userIds.forEach((userId, u) => {
        if (erased.has(userId)) return;
        records.push({
          userId,
          vectors: { [model.kind]: model.userVectors!.subarray(u * model.dims, (u + 1) * model.dims) },
        });
      });
      await store.writeUsers(data.version, records);
    }
    if (model.popularity)
      await store.writePopularity(data.version, model.popularity.items, model.popularity.scores);
    await store.writeMetadata(data.version, "model", model.meta);
    await store.completeParts(data.version, [data.part]);
    await job.updateProgress(100);
    return { items: model.itemIds.length, users: userIds.length };
  }

  async precomputeChunk(job: Job): Promise<{ users: number; written: number }> {
    const data = parsePayload(precomputeChunkSchema, job);
    const { store } = this.deps;
    const erased = new Set(await store.erasedUsers());
    const users = data.userIds.filter((u) => !erased.has(u));
    const records = await this.need("candidates", "precompute-candidates").candidates(users, {
      version: data.version,
    });
    await job.updateProgress(50);
    await store.writeUsers(data.version, records);
    await store.completeParts(data.version, [data.part]);
    await job.updateProgress(100);
    return { users: data.userIds.length, written: records.length };
  }

  /**
   * Runs once its children (train-cf, embed-items) are done: adds one chunk job per slice of users as
   * its own children (fixed job ids, so a retry adds nothing twice), then waits for them; the publish
   * job above it runs only after every chunk completed.
   */
  async fanOut(job: Job, token?: string): Promise<{ chunks: number }> {
    const data = parsePayload(fanOutSchema, job);
    const chunks = chunkIds(data.userIds, data.chunkSize);
    if (data.step === "start") {
      const queues = this.need("queues", "precompute-candidates");
      await queues.queue("precompute-candidates").addBulk(
        chunks.map((userIds, i) => ({
          name: CHUNK,
          data: { version: data.version, part: chunkPart(i), userIds },
          opts: queues.jobOptions({
            jobId: `${data.version}.chunk.${i}`,
            parent: { id: job.id!, queue: job.queueQualifiedName },
            failParentOnFailure: true,
          }),
        })),
      );
      await job.updateData({ ...data, step: "waiting" });
      await job.updateProgress(10);
    }
    if (token !== undefined && (await job.moveToWaitingChildren(token))) throw new WaitingChildrenError();
    await job.updateProgress(100);
    return { chunks: chunks.length };
  }

  async publish(
    job: Job,
  ): Promise<{ version: string; previous: string | null; deleted: string[]; refreshed: number }> {
    const data = parsePayload(publishSchema, job);
    const { store } = this.deps;
    await this.checkUserCount(data.version);
    const result = await store.publish(data.version);
    await job.updateProgress(60);
    // Users who acted after the version's data, or whom it does not know: recompute them now.
    let refreshed = 0;
    const schedule = this.deps.scheduleUpdates;
    if (schedule && data.watermark !== undefined)
      for await (const batch of usersToRefresh(store, data.watermark)) {
        await schedule(batch.map((u) => u.userId));
        refreshed += batch.length;
      }
    await job.updateProgress(80);
    const deleted = await store.collectGarbage(this.deps.gc ?? {});
    await job.updateProgress(100);
    return { version: data.version, previous: result.previous, deleted, refreshed };
  }

  /**
   * The gate on completeness: the version must hold every user its flow fanned out to (less those
   * erased since). Parts already guard each chunk; this catches a chunk that wrote fewer users.
   */
  private async checkUserCount(version: string): Promise<void> {
    const fanOut = await this.deps.queues?.queue("precompute-candidates").getJob(`${version}.fan-out`);
    const parsed = fanOutSchema.safeParse(fanOut?.data);
    if (!parsed.success) return; // not started by a flow (or its record is gone): parts alone decide
    const erased = new Set(await this.deps.store.erasedUsers());
    const expected = parsed.data.userIds.filter((u) => !erased.has(u)).length;
    const found = await this.deps.store.countUsers(version);
    if (found !== expected)
      throw new NonRetryableError(
        `version ${version} holds ${found} users but its data has ${expected}: incomplete, not published`,
      );
  }

  async updateUser(job: Job): Promise<RefreshResult> {
    const data = parsePayload(updateUserSchema, job);
    // Claim first: events arriving from now on schedule a new job (see UserUpdateScheduler).
    await this.need("claim", "update-user")(data.userId);
    return this.refreshUser(data.userId, (p) => job.updateProgress(p));
  }

  /** Rebuilds one user's profile (and candidates, if a source is set) from their events, in the live version. */
  async refreshUser(
    userId: string,
    progress: (p: number) => Promise<void> = async () => {},
  ): Promise<RefreshResult> {
    const { store } = this.deps;
    if ((await store.erasedUsers()).includes(userId)) return { userId, updated: false, reason: "erased" };
    const live = await store.liveVersion();
    if (live === null) return { userId, updated: false, reason: "nothing published" };
    const events = await store.readUserEvents(userId);
    let record: UserRecord | null;
    try {
      record = await this.need("profiles", "update-user").build(userId, events, store);
    } catch (error) {
      // The live version has no vectors of the profile's kind: nothing to build from, not a failure.
      if (error instanceof NotFoundError) return { userId, updated: false, reason: error.message };
      throw error;
    }
    await progress(50);
    const source = this.deps.candidates;
    // A builder that already recalled candidates (from the fresh events) is not overridden.
    if (record && source && !record.candidates) {
      const [fresh] = await source.candidates([userId], { version: live });
      if (fresh?.candidates) record.candidates = fresh.candidates;
    }
    if (record) await store.updateLiveUser(record);
    await progress(100);
    return { userId, updated: record !== null };
  }
}

export interface RefreshResult {
  userId: string;
  updated: boolean;
  reason?: string;
}

export const chunkPart = (i: number) => `chunk:${i}`;

export function chunkIds<T>(ids: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}
