import { IdMap, loadConfig, Rng, type TandemConfig } from "@tandem/core";
import { type Dataset, emptySkipReport, type UserItems, userItemsFromRows } from "@tandem/data";

/**
 * A small synthetic world with structure MF can find: users belong to one of `groups` taste groups
 * and mostly consume that group's items, in a fixed per-group order (so "next item" has signal).
 */
export function syntheticData(numUsers = 120, numItems = 60, groups = 3, seed = 5): UserItems {
  const rng = new Rng(seed);
  const rows = [];
  const per = numItems / groups;
  for (let u = 0; u < numUsers; u++) {
    const g = u % groups;
    let t = 0;
    for (let p = 0; p < per; p++) {
      if (rng.next() < 0.55) rows.push({ user: u, item: g * per + p, time: t++, value: 1 });
      if (rng.next() < 0.05) rows.push({ user: u, item: rng.int(numItems), time: t++, value: 1 });
    }
  }
  // Deduplicate (user, item), keeping the first time.
  const seen = new Set<string>();
  const unique = rows.filter((r) => {
    const key = `${r.user}:${r.item}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return userItemsFromRows(numUsers, numItems, unique);
}

export function datasetOf(m: UserItems): Dataset {
  return {
    name: "synthetic",
    format: "generic",
    users: new IdMap(
      "user",
      Array.from({ length: m.numUsers }, (_, i) => `u${i}`),
    ),
    items: new IdMap(
      "item",
      Array.from({ length: m.numItems }, (_, i) => `i${i}`),
    ),
    itemInfo: [],
    catalogue: new Map(),
    interactions: m,
    steps: [],
    skipped: emptySkipReport(),
  };
}

export const testConfig = (recall: Record<string, unknown> = {}): TandemConfig =>
  loadConfig(
    {
      recall: {
        als: { factors: 8, maxEpochs: 6 },
        bpr: { factors: 8, maxEpochs: 8, batchSize: 256 },
        ...recall,
      },
    },
    {},
  );
