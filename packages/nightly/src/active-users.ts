import type { UserItems } from "@tandem/data";

const DAY_SECONDS = 86_400;

/** A user's newest event time in `history` (rows are in time order), 0 for a user without events. */
export const lastEventAt = (history: UserItems, u: number): number =>
  history.indptr[u + 1]! > history.indptr[u]! ? history.times[history.indptr[u + 1]! - 1]! : 0;

/**
 * The one decision of which users a version precomputes (config nightly.precomputeActiveDays): those
 * whose last event is within `days` of the data's newest event. Measured against the data, not the
 * wall clock, so a replay of the same snapshot precomputes the same users. Null = everyone (days 0).
 */
export function activeUserFilter(history: UserItems, days: number): ((u: number) => boolean) | null {
  if (days <= 0) return null;
  let end = Number.NEGATIVE_INFINITY;
  for (let u = 0; u < history.numUsers; u++) end = Math.max(end, lastEventAt(history, u));
  const since = end - days * DAY_SECONDS;
  return (u) => lastEventAt(history, u) >= since;
}
