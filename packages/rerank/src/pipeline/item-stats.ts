import { nnz, type TimeKind, type UserItems } from "@tandem/data";

/** Per-item statistics behind the popularity and age features, as of the history's last event. */
export interface ItemStatsTable {
  logPop: Float32Array;
  recentPop: Float32Array;
  age: Float32Array;
}

const DAY = 86_400;

/**
 * logPop = log(1 + interactions), recentPop = log(1 + interactions in the last `recentDays` before the
 * newest event), age = log(1 + days between the item's first interaction and the newest event).
 */
export function itemStatsOf(history: UserItems, recentDays = 90, time?: TimeKind): ItemStatsTable {
  const n = history.numItems;
  let now = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < nnz(history); p++) now = Math.max(now, history.times[p]!);
  const count = new Float64Array(n);
  const recent = new Float64Array(n);
  const first = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (let p = 0; p < nnz(history); p++) {
    const i = history.items[p]!;
    const t = history.times[p]!;
    count[i]!++;
    if (t >= now - recentDays * DAY) recent[i]!++;
    if (t < first[i]!) first[i] = t;
  }
  // Without timestamps there is no calendar: "recent" and "age" would measure file layout, so they are
  // constant (0) and the report says so; popularity needs no time.
  const untimed = time === "order";
  const logPop = Float32Array.from(count, (c) => Math.log1p(c));
  if (untimed) return { logPop, recentPop: new Float32Array(n), age: new Float32Array(n) };
  return {
    logPop,
    recentPop: Float32Array.from(recent, (c) => Math.log1p(c)),
    age: Float32Array.from(first, (t) => (Number.isFinite(t) ? Math.log1p(Math.max(0, now - t) / DAY) : 0)),
  };
}
