import { compareStreamIds, type FeatureStore, type StoredEvent } from "@tandem/store";

export interface FreshUser {
  userId: string;
  /** All of the user's stored events, in stream order. */
  events: StoredEvent[];
}

/**
 * Users whose serving record a just-published version must not be left with: those with events
 * after the version's data watermark (their lists are staler than what they did) and those with
 * events but no record in it (created by events, or filtered out of training). Batched, bounded memory.
 */
export async function* usersToRefresh(
  store: FeatureStore,
  watermark: string,
  batch = 200,
): AsyncIterable<FreshUser[]> {
  const erased = new Set(await store.erasedUsers());
  for await (const events of store.scanEvents({ until: await store.eventClock(), batch })) {
    const byUser = new Map<string, StoredEvent[]>();
    for (const e of events) {
      if (erased.has(e.user)) continue;
      let list = byUser.get(e.user);
      if (!list) byUser.set(e.user, (list = []));
      list.push(e);
    }
    const out: FreshUser[] = [];
    for (const [userId, list] of byUser) {
      const fresh = list.some((e) => compareStreamIds(e.id, watermark) > 0);
      if (fresh || (await store.getUserFeatures(userId)) === null) out.push({ userId, events: list });
    }
    if (out.length > 0) yield out;
  }
}
