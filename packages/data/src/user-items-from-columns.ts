import { rowsByUser } from "./rows-by-user.js";
import type { UserItems } from "./user-items.js";

/** Columns of a log with users and items already mapped to their final dense indexes. */
export interface IndexedColumns {
  numUsers: number;
  numItems: number;
  /** Final user / item index of each row (-1 = row not kept). */
  user: Int32Array;
  item: Int32Array;
  time: Float64Array;
  value: Float32Array;
}

/**
 * CSR from typed columns: a counting sort by user, then each user's rows by (time, item). The same order
 * as `userItemsFromRows`, without materialising a row object per interaction.
 */
export function userItemsFromColumns(c: IndexedColumns): UserItems {
  const keep = Uint8Array.from(c.user, (u) => (u >= 0 ? 1 : 0));
  const { ptr, rows } = rowsByUser(c.user, c.numUsers, keep);
  const byTimeThenItem = (a: number, b: number) => c.time[a]! - c.time[b]! || c.item[a]! - c.item[b]!;
  for (let u = 0; u < c.numUsers; u++) rows.subarray(ptr[u]!, ptr[u + 1]!).sort(byTimeThenItem);
  return {
    numUsers: c.numUsers,
    numItems: c.numItems,
    indptr: ptr,
    items: Int32Array.from(rows, (r) => c.item[r]!),
    times: Float64Array.from(rows, (r) => c.time[r]!),
    values: Float32Array.from(rows, (r) => c.value[r]!),
  };
}
