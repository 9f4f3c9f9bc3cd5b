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
  return userItemsWithRows(c).matrix;
}

/** The CSR and, for each of its positions, the column row it came from (the file order of ties). */
export function userItemsWithRows(c: IndexedColumns): { matrix: UserItems; rows: Int32Array } {
  const keep = new Uint8Array(c.user.length);
  for (let r = 0; r < keep.length; r++) keep[r] = c.user[r]! >= 0 ? 1 : 0;
  const { ptr, rows } = rowsByUser(c.user, c.numUsers, keep);
  const { time, item } = c;
  const byTimeThenItem = (a: number, b: number) => time[a]! - time[b]! || item[a]! - item[b]!;
  for (let u = 0; u < c.numUsers; u++) {
    // Logs usually arrive in time order: check before paying for a comparator sort.
    let sorted = true;
    for (let p = ptr[u]! + 1; p < ptr[u + 1]! && sorted; p++) {
      const a = rows[p - 1]!;
      const b = rows[p]!;
      sorted = time[a]! < time[b]! || (time[a] === time[b] && item[a]! < item[b]!);
    }
    if (!sorted) rows.subarray(ptr[u]!, ptr[u + 1]!).sort(byTimeThenItem);
  }
  const n = rows.length;
  const out = {
    numUsers: c.numUsers,
    numItems: c.numItems,
    indptr: ptr,
    items: new Int32Array(n),
    times: new Float64Array(n),
    values: new Float32Array(n),
  };
  for (let p = 0; p < n; p++) {
    const r = rows[p]!;
    out.items[p] = item[r]!;
    out.times[p] = time[r]!;
    out.values[p] = c.value[r]!;
  }
  return { matrix: out, rows };
}
