import { type PipelineQueues, QUEUE_NAMES } from "@tandem/pipeline";
import type { RedisClient } from "@tandem/store";

export interface QueueFigures {
  name: string;
  counts: Record<"waiting" | "active" | "delayed" | "failed", number>;
  /** 'stalled' entries seen in the queue's event log (BullMQ keeps its newest ~10,000 events). */
  stalled: number;
}

export interface FailedJob {
  queue: string;
  id: string;
  name: string;
  reason: string;
  attempts: number;
  /** Milliseconds since the epoch. */
  failedAt: number | null;
}

/** Most event-log entries read per queue and scrape: the first scrape catches up over a few scrapes. */
const PAGE = 2000;

/**
 * Reads the pipeline queues for /metrics: job counts, and stalled jobs counted from each queue's event
 * log incrementally (only entries newer than the last scrape are read).
 */
export class QueueStats {
  private readonly seen = new Map<string, { lastId: string; stalled: number }>();

  constructor(
    private readonly queues: PipelineQueues,
    private readonly redis: RedisClient,
  ) {}

  async read(): Promise<QueueFigures[]> {
    return Promise.all(
      QUEUE_NAMES.map(async (name) => {
        const queue = this.queues.queue(name);
        const c = await queue.getJobCounts("waiting", "active", "delayed", "failed");
        const counts = {
          waiting: c["waiting"] ?? 0,
          active: c["active"] ?? 0,
          delayed: c["delayed"] ?? 0,
          failed: c["failed"] ?? 0,
        };
        return { name, counts, stalled: await this.stalled(name, queue.toKey("events")) };
      }),
    );
  }

  /** The newest failed jobs of each queue (BullMQ keeps them per its removeOnFail setting). */
  async failedJobs(limit = 10): Promise<FailedJob[]> {
    const lists = await Promise.all(
      QUEUE_NAMES.map(async (name) =>
        (await this.queues.queue(name).getFailed(0, limit - 1)).map((job) => ({
          queue: name,
          id: job.id ?? "",
          name: job.name,
          reason: job.failedReason,
          attempts: job.attemptsMade,
          failedAt: job.finishedOn ?? null,
        })),
      ),
    );
    return lists.flat();
  }

  private async stalled(name: string, eventsKey: string): Promise<number> {
    const state = this.seen.get(name) ?? { lastId: "-", stalled: 0 };
    const from = state.lastId === "-" ? "-" : `(${state.lastId}`;
    const entries = await this.redis.xrange(eventsKey, from, "+", "COUNT", PAGE);
    for (const [id, fields] of entries) {
      state.lastId = id;
      if (fields[0] === "event" && fields[1] === "stalled") state.stalled++;
    }
    this.seen.set(name, state);
    return state.stalled;
  }
}
