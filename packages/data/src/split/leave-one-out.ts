import { InvalidArgumentError, Rng } from "@tandem/core";
import type { UserItems } from "../user-items.js";
import { partitionUserItems } from "../user-items-parts.js";
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
  const partOf = new Uint8Array(all.items.length); // 0 train, 1 validation, 2 test
  for (let u = 0; u < all.numUsers; u++) {
    const start = all.indptr[u]!;
    const n = all.indptr[u + 1]! - start;
    // Entries by (time, tie key); without a key the CSR's own (time, item) order is the order.
    const order = Int32Array.from({ length: n }, (_, i) => start + i);
    if (key) order.sort((a, b) => all.times[a]! - all.times[b]! || key[a]! - key[b]!);
    if (n >= 2) partOf[order[n - 1]!] = 2;
    if (n >= 3) partOf[order[n - 2]!] = 1;
  }
  const [train, validation, test] = partitionUserItems(all, partOf, 3) as [UserItems, UserItems, UserItems];
  const protocol = tieOrder === "item-id" ? "loo" : `loo (ties: ${tieOrderName(tieOrder)})`;
  return { protocol, train, validation, test };
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
