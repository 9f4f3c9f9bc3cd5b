import type { Keys, RedisClient } from "@tandem/store";
import type { PipelineQueues } from "./pipeline-queues.js";

/** Something that schedules a profile update for users who just had events. */
export interface UpdateTrigger {
  schedule(userIds: readonly string[]): Promise<void>;
}

/**
 * One pending update-user job per user, however many events arrive: the job id is
 * `u.<user>.<generation>`, and adding a job whose id exists is a no-op in BullMQ. The processor bumps
 * the generation (claim) BEFORE reading the events, so an event that arrives after the read gets a
 * new job id (a new job) and is never lost; events before it are seen by the running job.
 */
export class UserUpdateScheduler implements UpdateTrigger {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly queues: PipelineQueues,
    /** Debounce: how long a job waits so a burst becomes one job (config `worker.updateDelayMs`). */
    private readonly delayMs = 1000,
  ) {
    // Failures surface on schedule()/claim(); without a listener ioredis logs every reconnect attempt.
    if (redis.listenerCount("error") === 0) redis.on("error", () => {});
  }

  static jobId(userId: string, generation: number): string {
    // BullMQ job ids must not contain ':'; encodeURIComponent removes it (and keeps ids readable).
    return `u.${encodeURIComponent(userId)}.${generation}`;
  }

  async schedule(userIds: readonly string[]): Promise<void> {
    const users = [...new Set(userIds)];
    if (users.length === 0) return;
    // One GET per user (users live in different shards, so no cross-slot MGET); auto-pipelined.
    const gens = await Promise.all(users.map((u) => this.redis.get(this.keys.updateGeneration(u))));
    await this.queues.queue("update-user").addBulk(
      users.map((userId, i) => {
        const generation = Number(gens[i] ?? 0);
        return {
          name: "update-user",
          data: { userId, generation },
          opts: this.queues.jobOptions({
            jobId: UserUpdateScheduler.jobId(userId, generation),
            delay: this.delayMs,
          }),
        };
      }),
    );
  }

  /** Called by the processor before it reads the user's events. */
  async claim(userId: string): Promise<number> {
    return this.redis.incr(this.keys.updateGeneration(userId));
  }
}
