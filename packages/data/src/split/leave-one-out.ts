import { InvalidArgumentError, Rng } from "@tandem/core";
import { type UserItemRow, type UserItems, userItemsFromRows } from "../user-items.js";
import type { Split } from "./split.js";
import { type TieOrder, tieOrderName } from "./tie-order.js";

export interface LeaveOneOutOptions {
  /** Default "item-id". */
  tieOrder?: TieOrder;
  /** Required for "file": each entry's row in the files (`Dataset.fileOrder`). */
  fileOrder?: Int32Array;
}

/**
 * Leave-one-out by time: per user, sorted by (timestamp, tie-breaker), the last item is test, the second
 * last validation, the rest train. The tie-breaker defaults to the item id, as the published protocol
 * orders. Users with 2 items give no validation item; with 1, only train.
 */
export function leaveOneOutSplit(all: UserItems, options: LeaveOneOutOptions = {}): Split {
  const tieOrder = options.tieOrder ?? "item-id";
  const key = tieKeys(all, tieOrder, options.fileOrder);
  const train: UserItemRow[] = [];
  const validation: UserItemRow[] = [];
  const test: UserItemRow[] = [];
  for (let u = 0; u < all.numUsers; u++) {
    const start = all.indptr[u]!;
    const end = all.indptr[u + 1]!;
    const n = end - start;
    const order = Array.from({ length: n }, (_, i) => start + i);
    if (key) order.sort((a, b) => all.times[a]! - all.times[b]! || key[a]! - key[b]!);
    order.forEach((p, rank) => {
      const row = { user: u, item: all.items[p]!, time: all.times[p]!, value: all.values[p]! };
      const fromEnd = n - 1 - rank;
      if (fromEnd === 0 && n >= 2) test.push(row);
      else if (fromEnd === 1 && n >= 3) validation.push(row);
      else train.push(row);
    });
  }
  const make = (rows: UserItemRow[]) => userItemsFromRows(all.numUsers, all.numItems, rows);
  const protocol = tieOrder === "item-id" ? "loo" : `loo (ties: ${tieOrderName(tieOrder)})`;
  return { protocol, train: make(train), validation: make(validation), test: make(test) };
}

/** Tie-breakers per CSR entry; null when the CSR order ((time, item index) = item id) already applies. */
function tieKeys(all: UserItems, tieOrder: TieOrder, fileOrder?: Int32Array): ArrayLike<number> | null {
  if (tieOrder === "item-id") return null;
  if (tieOrder === "file") {
    if (!fileOrder || fileOrder.length !== all.items.length)
      throw new InvalidArgumentError("the file tie order needs the dataset's fileOrder");
    return fileOrder;
  }
  const rng = new Rng(tieOrder.random);
  return Float64Array.from(all.items, () => rng.next());
}
