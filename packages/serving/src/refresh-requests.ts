/**
 * Asks for a user's update-user job from the request path (a deferred user served from the fallback)
 * without waiting for it, at most once per user per `windowMs` in this process: a user who reloads
 * while the job is pending costs no Redis round trip (the scheduler's job ids dedupe across replicas).
 */
export class RefreshRequests {
  /** userId → when it was last requested (ms); insertion order = age, so the oldest goes first. */
  private readonly recent = new Map<string, number>();
  private requested = 0;
  private failed = 0;

  constructor(
    private readonly schedule: (userIds: string[]) => Promise<void>,
    private readonly windowMs = 60_000,
    private readonly maxUsers = 10_000,
  ) {}

  /** Schedules the user's refresh unless this process did so within the window. Never throws. */
  request(userId: string, now = Date.now()): void {
    const last = this.recent.get(userId);
    if (last !== undefined && now - last < this.windowMs) return;
    this.recent.delete(userId);
    this.recent.set(userId, now);
    if (this.recent.size > this.maxUsers) this.recent.delete(this.recent.keys().next().value!);
    this.requested++;
    // The answer does not wait for the queue; a failure is forgotten so the next request retries.
    this.schedule([userId]).catch(() => {
      this.failed++;
      this.recent.delete(userId);
    });
  }

  /** Refreshes asked for and how many of them failed to enqueue (for metrics and tests). */
  stats(): { requested: number; failed: number } {
    return { requested: this.requested, failed: this.failed };
  }
}
