import { type Interaction, InvalidArgumentError } from "@tandem/core";
import type { FeatureStore } from "@tandem/store";
import { z } from "zod";
import type { UpdateTrigger } from "./user-update-scheduler.js";

export const eventSchema = z.object({
  user: z.string().min(1),
  item: z.string().min(1),
  value: z.number().finite().default(1),
  /** Seconds since the epoch. */
  timestamp: z.number().finite().nonnegative(),
  kind: z.string().min(1).default("interaction"),
});

/**
 * Validates events, appends them durably to the users' event streams, then schedules one
 * de-duplicated profile update per user. Appending comes first: a scheduled job always finds its events.
 */
export class EventIngestor {
  constructor(
    private readonly store: FeatureStore,
    private readonly trigger: UpdateTrigger,
  ) {}

  async ingest(events: readonly unknown[]): Promise<{ accepted: number; users: string[] }> {
    const valid: Interaction[] = events.map((e, i) => {
      const r = eventSchema.safeParse(e);
      if (!r.success) {
        const why = r.error.issues.map((x) => `${x.path.join(".") || "event"}: ${x.message}`).join("; ");
        throw new InvalidArgumentError(`event ${i}: ${why}`);
      }
      return r.data;
    });
    await this.store.appendEvents(valid);
    const users = [...new Set(valid.map((e) => e.user))];
    await this.trigger.schedule(users);
    return { accepted: valid.length, users };
  }
}
