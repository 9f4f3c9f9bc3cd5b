/**
 * Per-user item lists in compressed sparse rows: user u's items are items[indptr[u] .. indptr[u+1]),
 * in time order (timestamp, then item index). The one matrix shape every model and metric reads.
 */
export interface UserItems {
  numUsers: number;
  numItems: number;
  indptr: Int32Array;
  items: Int32Array;
  times: Float64Array;
  values: Float32Array;
}

export interface UserItemRow {
  user: number;
  item: number;
  time: number;
  value: number;
}

/** Builds CSR from unordered rows, sorting each user's row by (time, item). */
export function userItemsFromRows(
  numUsers: number,
  numItems: number,
  rows: readonly UserItemRow[],
): UserItems {
  const sorted = [...rows].sort((a, b) => a.user - b.user || a.time - b.time || a.item - b.item);
  const indptr = new Int32Array(numUsers + 1);
  for (const r of sorted) indptr[r.user + 1]!++;
  for (let u = 0; u < numUsers; u++) indptr[u + 1]! += indptr[u]!;
  return {
    numUsers,
    numItems,
    indptr,
    items: Int32Array.from(sorted, (r) => r.item),
    times: Float64Array.from(sorted, (r) => r.time),
    values: Float32Array.from(sorted, (r) => r.value),
  };
}

export function rowsOf(m: UserItems): UserItemRow[] {
  const rows: UserItemRow[] = [];
  for (let u = 0; u < m.numUsers; u++) {
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) {
      rows.push({ user: u, item: m.items[p]!, time: m.times[p]!, value: m.values[p]! });
    }
  }
  return rows;
}

export const userLength = (m: UserItems, u: number) => m.indptr[u + 1]! - m.indptr[u]!;

/** Items of user u (a view, no copy). */
export const userItemsOf = (m: UserItems, u: number) => m.items.subarray(m.indptr[u]!, m.indptr[u + 1]!);

export const nnz = (m: UserItems) => m.indptr[m.numUsers]!;

/** Interactions per item. */
export function itemCounts(m: UserItems): Float64Array {
  const counts = new Float64Array(m.numItems);
  for (let p = 0; p < nnz(m); p++) counts[m.items[p]!]!++;
  return counts;
}
