import type { InteractionLog } from "./interaction-log.js";
import { rowsByUser } from "./rows-by-user.js";

/**
 * Iterative k-core: drops users with fewer than `minUser` and items with fewer than `minItem`
 * interactions, repeating until both hold for everything left. Returns a keep-mask over the log rows.
 */
export function kCoreMask(
  log: InteractionLog,
  minUser: number,
  minItem: number,
  keep?: Uint8Array,
): Uint8Array {
  const mask = keep ? keep.slice() : new Uint8Array(log.length).fill(1);
  const userCount = new Int32Array(log.users.size);
  const itemCount = new Int32Array(log.items.size);
  for (let i = 0; i < log.length; i++) {
    if (!mask[i]) continue;
    userCount[log.user[i]!]!++;
    itemCount[log.item[i]!]!++;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < log.length; i++) {
      if (!mask[i]) continue;
      const u = log.user[i]!;
      const it = log.item[i]!;
      if (userCount[u]! < minUser || itemCount[it]! < minItem) {
        mask[i] = 0;
        userCount[u]!--;
        itemCount[it]!--;
        changed = true;
      }
    }
  }
  return mask;
}

/**
 * Keeps one row per (user, item): the latest (ties: the later row). Returns a keep-mask;
 * rows already masked out are ignored. Per user through a reusable item → row scratch: O(rows).
 */
export function dedupeMask(log: InteractionLog, keep: Uint8Array): Uint8Array {
  const mask = keep.slice();
  const { ptr, rows } = rowsByUser(log.user, log.users.size, mask);
  const latest = new Int32Array(log.items.size).fill(-1);
  for (let u = 0; u < log.users.size; u++) {
    for (let p = ptr[u]!; p < ptr[u + 1]!; p++) {
      const r = rows[p]!;
      const item = log.item[r]!;
      const prev = latest[item]!;
      if (prev < 0) latest[item] = r;
      else if (log.timestamp[r]! >= log.timestamp[prev]!) {
        mask[prev] = 0;
        latest[item] = r;
      } else mask[r] = 0;
    }
    for (let p = ptr[u]!; p < ptr[u + 1]!; p++) latest[log.item[rows[p]!]!] = -1;
  }
  return mask;
}

export const countMask = (mask: Uint8Array) => mask.reduce((n, v) => n + v, 0);
