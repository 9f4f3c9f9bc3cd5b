import { WORKER_QUEUES } from "@tandem/core";
import { isCluster, Keys, openRedis, type RedisClient, type RedisTarget } from "@tandem/store";
import { type ConnectionOptions, FlowProducer, type JobsOptions, Queue } from "bullmq";

export type QueueName = (typeof WORKER_QUEUES)[number];
export const QUEUE_NAMES: readonly QueueName[] = WORKER_QUEUES;

export interface PipelineQueuesOptions {
  /** Redis URL, cluster seed URLs, or BullMQ connection options. */
  connection: RedisTarget | ConnectionOptions;
  /** Key namespace (config `store.namespace`); queues live under `{namespace:bull}` (one hash tag, as
   *  BullMQ requires on a cluster). Default "tandem". */
  namespace?: string;
  /** Tries per job (config `worker.attempts`). Default 5. */
  attempts?: number;
  /** First retry delay in ms, doubled on each retry (config `worker.backoffMs`). Default 1000. */
  backoffMs?: number;
}

/**
 * BullMQ connection options from a URL; workers need `maxRetriesPerRequest: null` to block safely. For
 * cluster seed nodes, a Cluster client (BullMQ takes clusters only as instances; the caller closes it).
 */
export function connectionFrom(connection: RedisTarget | ConnectionOptions): ConnectionOptions {
  if (typeof connection === "string") return { url: connection, maxRetriesPerRequest: null };
  if (Array.isArray(connection)) return openRedis(connection, { maxRetriesPerRequest: null });
  return connection as ConnectionOptions;
}

/** Closes a connection connectionFrom created (a cluster client); BullMQ never closes shared instances. */
export async function closeConnection(connection: ConnectionOptions, target: unknown): Promise<void> {
  if (Array.isArray(target) && isCluster(connection as RedisClient)) (connection as RedisClient).disconnect();
}

/** The pipeline's queues (one per job type) and its flow producer, sharing one prefix and job defaults. */
export class PipelineQueues {
  readonly keys: Keys;
  readonly prefix: string;
  readonly connection: ConnectionOptions;
  private readonly queues = new Map<QueueName, Queue>();
  private flows: FlowProducer | null = null;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly target: unknown;

  constructor(options: PipelineQueuesOptions) {
    this.keys = new Keys(options.namespace ?? "tandem");
    this.prefix = this.keys.bullPrefix;
    this.target = options.connection;
    this.connection = connectionFrom(options.connection);
    this.attempts = options.attempts ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
  }

  /** Defaults for every job: retries with exponential backoff; bounded history of finished jobs. */
  jobOptions(extra: JobsOptions = {}): JobsOptions {
    return {
      attempts: this.attempts,
      backoff: { type: "exponential", delay: this.backoffMs },
      removeOnComplete: { count: 1000 },
      // Failed jobs keep their reason for a week (and at most 10,000 of them).
      removeOnFail: { age: 7 * 86_400, count: 10_000 },
      ...extra,
    };
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: this.jobOptions(),
      });
      q.on("error", () => {}); // connection errors surface on the calls; reconnects are automatic
      this.queues.set(name, q);
    }
    return q;
  }

  flowProducer(): FlowProducer {
    if (!this.flows) {
      this.flows = new FlowProducer({ connection: this.connection, prefix: this.prefix });
      this.flows.on("error", () => {});
    }
    return this.flows;
  }

  /**
   * Privacy erasure in the job records: removes every non-active job (waiting, delayed, completed,
   * failed) whose payload names an erased user (update-user's userId, a chunk's or fan-out's userIds),
   * paging through each queue. Returns how many were removed.
   */
  async purgeUsers(erased: ReadonlySet<string>, page = 500): Promise<number> {
    if (erased.size === 0) return 0;
    const names = (data: unknown): string[] => {
      const d = (data ?? {}) as { userId?: unknown; userIds?: unknown };
      return [
        ...(typeof d.userId === "string" ? [d.userId] : []),
        ...(Array.isArray(d.userIds) ? d.userIds.filter((u): u is string => typeof u === "string") : []),
      ];
    };
    let removed = 0;
    for (const name of QUEUE_NAMES) {
      const queue = this.queue(name);
      for (const state of ["completed", "failed", "waiting", "delayed", "prioritized"] as const) {
        // Removing shifts later jobs down: re-read a page until it names no erased user.
        for (let start = 0; ; ) {
          const jobs = await queue.getJobs([state], start, start + page - 1);
          if (jobs.length === 0) break;
          const hits = jobs.filter((j) => j && names(j.data).some((u) => erased.has(u)));
          let ok = 0;
          for (const job of hits)
            ok += await job.remove({ removeChildren: false }).then(
              () => 1,
              () => 0, // locked by a worker right now: the next run removes it
            );
          removed += ok;
          if (ok < hits.length || hits.length === 0) start += page;
        }
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.flows?.close();
    this.queues.clear();
    this.flows = null;
    await closeConnection(this.connection, this.target);
  }
}
