import { type UserItemRow, type UserItems, userItemsFromRows } from "../user-items.js";
import type { Split } from "./split.js";

/**
 * Leave-one-out by time: per user, sorted by (timestamp, item id), the last item is test, the second
 * last validation, the rest train. Users with 2 items give no validation item; with 1, only train.
 */
export function leaveOneOutSplit(all: UserItems): Split {
  const train: UserItemRow[] = [];
  const validation: UserItemRow[] = [];
  const test: UserItemRow[] = [];
  for (let u = 0; u < all.numUsers; u++) {
    const start = all.indptr[u]!;
    const end = all.indptr[u + 1]!;
    for (let p = start; p < end; p++) {
      const row = { user: u, item: all.items[p]!, time: all.times[p]!, value: all.values[p]! };
      const fromEnd = end - 1 - p;
      const n = end - start;
      if (fromEnd === 0 && n >= 2) test.push(row);
      else if (fromEnd === 1 && n >= 3) validation.push(row);
      else train.push(row);
    }
  }
  const make = (rows: UserItemRow[]) => userItemsFromRows(all.numUsers, all.numItems, rows);
  return { protocol: "loo", train: make(train), validation: make(validation), test: make(test) };
}
