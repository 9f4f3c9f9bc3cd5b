import type { Dataset } from "@tandem/data";
import { userItemsOf } from "@tandem/data";
import type { FusionScorer, StageModels } from "@tandem/rerank";
import type { StoredEvent, UserRecord } from "@tandem/store";
import { userRecordFor } from "./version-writer.js";

/** A user's history in item indexes: what the dataset holds plus newer events of known items. */
export function historyWithEvents(dataset: Dataset, userId: string, events: readonly StoredEvent[]) {
  const u = dataset.users.find(userId);
  const base = u === undefined ? [] : [...userItemsOf(dataset.interactions, u)];
  const since =
    u === undefined
      ? Number.NEGATIVE_INFINITY
      : dataset.interactions.times[dataset.interactions.indptr[u + 1]! - 1]!;
  const fresh = events
    .filter((e) => e.timestamp > since)
    .map((e) => dataset.items.find(e.item))
    .filter((i): i is number => i !== undefined);
  return { u, items: Int32Array.from([...base, ...fresh]), hasFresh: fresh.length > 0 };
}

/**
 * A user's serving record refreshed from their events: with new events MF folds the whole history
 * in; otherwise the trained factors stand. Null when the user has no known item at all.
 */
export function refreshedRecord(
  stage: StageModels,
  scorer: FusionScorer,
  dataset: Dataset,
  userId: string,
  events: readonly StoredEvent[],
  keep: number,
): UserRecord | null {
  const { u, items, hasFresh } = historyWithEvents(dataset, userId, events);
  if (items.length === 0) return null;
  const itemIds = dataset.items.ids();
  const record = userRecordFor(stage, scorer, itemIds, userId, hasFresh ? -1 : (u ?? -1), items, keep);
  record.scalars = { refreshedAt: Date.now(), lastEventAt: events.at(-1)?.timestamp ?? 0 };
  return record;
}
