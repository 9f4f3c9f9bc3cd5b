import { trialOrder } from "@tandem/eval";
import { mergedRecall, quotasFor } from "./candidate-recall.js";
import type { SourceLists } from "./source-lists.js";

/** Relative weight each source may get in the quota search (0 drops it). */
export const QUOTA_SHARE_LEVELS = [0, 1, 2, 3] as const;

export interface QuotaChoice {
  /** Shares per source (lists.names order): the chosen split, and the configured one it is measured against. */
  shares: number[];
  quotas: number[];
  recall: number;
  defaults: { shares: number[]; quotas: number[]; recall: number };
  /** Distinct splits tried (share vectors that are multiples of each other are one split). */
  tried: number;
}

/**
 * The quota split of a fixed `total` with the best mean merged recall on `lists` (validation lists:
 * this is where quotas are chosen): the configured shares first, then every split of the share grid
 * in the search module's seeded order; ties keep the earlier, so the defaults win unless beaten.
 */
export function searchQuotas(
  lists: SourceLists,
  total: number,
  defaults: readonly number[],
  seed: number,
): QuotaChoice {
  const space = Object.fromEntries(lists.names.map((n) => [n, QUOTA_SHARE_LEVELS]));
  const first = Object.fromEntries(lists.names.map((n, s) => [n, defaults[s]!]));
  const seen = new Set<string>();
  let best: Omit<QuotaChoice, "defaults" | "tried"> | null = null;
  let base: QuotaChoice["defaults"] | null = null;
  for (const point of trialOrder(space, first, Number.MAX_SAFE_INTEGER, seed)) {
    const shares = lists.names.map((n) => point[n] as number);
    const quotas = quotasFor(shares, total);
    const key = quotas.join(",");
    if (shares.every((w) => w === 0) || seen.has(key)) continue;
    seen.add(key);
    const r = mergedRecall(lists, quotas).recall;
    const recall = r.reduce((a, b) => a + b, 0) / Math.max(1, r.length);
    base ??= { shares, quotas, recall };
    if (!best || recall > best.recall) best = { shares, quotas, recall };
  }
  return { ...best!, defaults: base!, tried: seen.size };
}
