import type { PrecomputeProcessors } from "./precompute-processors.js";
import type { UpdateTrigger } from "./user-update-scheduler.js";

/**
 * The embedded mode's trigger (memory store, no Redis, no queues): refreshes each user's profile
 * right away, in the caller's process, with the same processor code the update-user queue runs.
 */
export class InlineUpdateTrigger implements UpdateTrigger {
  constructor(private readonly processors: PrecomputeProcessors) {}

  async schedule(userIds: readonly string[]): Promise<void> {
    for (const userId of new Set(userIds)) await this.processors.refreshUser(userId);
  }
}
