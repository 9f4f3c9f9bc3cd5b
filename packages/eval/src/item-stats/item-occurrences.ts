import type { UserItems } from "@tandem/data";

/**
 * The transpose of a user-item CSR: for item i, the positions p (into `UserItems.items`) where it occurs,
 * in user order, with the user of each. O(interactions) memory (8 bytes each); what lets item-item
 * statistics be accumulated one item row at a time instead of in a dense items² array.
 */
export interface ItemOccurrences {
  ptr: Int32Array;
  user: Int32Array;
  position: Int32Array;
}

export function itemOccurrences(ui: UserItems): ItemOccurrences {
  const n = ui.numItems;
  const ptr = new Int32Array(n + 1);
  for (let p = 0; p < ui.items.length; p++) ptr[ui.items[p]! + 1]!++;
  for (let i = 0; i < n; i++) ptr[i + 1]! += ptr[i]!;
  const fill = ptr.slice(0, n);
  const user = new Int32Array(ui.items.length);
  const position = new Int32Array(ui.items.length);
  for (let u = 0; u < ui.numUsers; u++) {
    for (let p = ui.indptr[u]!; p < ui.indptr[u + 1]!; p++) {
      const slot = fill[ui.items[p]!]!++;
      user[slot] = u;
      position[slot] = p;
    }
  }
  return { ptr, user, position };
}
