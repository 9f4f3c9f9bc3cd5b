import type { UserItems } from "./user-items.js";

/** Users with at least this many rows are checked: shorter ones are ascending by chance too often. */
const MIN_ROWS = 4;

/**
 * Share of users (with MIN_ROWS+ rows) whose rows, in log order, are ascending by item id. Item
 * indexes follow id order, so ascending indexes are ascending ids. A random order is ascending with
 * probability 1/n! (1/24 at four rows), so a large share means the file was sorted by item, not by time.
 */
export function itemSortedShare(interactions: UserItems): { sorted: number; checked: number } {
  let sorted = 0;
  let checked = 0;
  for (let u = 0; u < interactions.numUsers; u++) {
    const start = interactions.indptr[u]!;
    const end = interactions.indptr[u + 1]!;
    if (end - start < MIN_ROWS) continue;
    checked++;
    let ascending = true;
    for (let p = start + 1; p < end && ascending; p++)
      ascending = interactions.items[p]! >= interactions.items[p - 1]!;
    if (ascending) sorted++;
  }
  return { sorted, checked };
}

/** What to tell a user whose log has no timestamps, so the row order is taken as time. */
export function orderWarnings(interactions: UserItems): string[] {
  const warnings = [
    "No timestamps: each user's rows are taken in file order (times are row positions); leave-one-out holds out each user's last row, and half-lives are in positions, not days.",
  ];
  const { sorted, checked } = itemSortedShare(interactions);
  if (checked > 0 && sorted / checked > 0.5)
    warnings.push(
      `${sorted} of ${checked} users' rows are sorted by item id: the file order is not time, so "last" means "highest item id" and order-based results are meaningless. Shuffle each user's rows or add a timestamp column (docs/data-formats.md).`,
    );
  return warnings;
}
