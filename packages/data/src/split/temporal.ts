import { InvalidArgumentError } from "@tandem/core";
import { nnz, type UserItemRow, type UserItems, userItemsFromRows } from "../user-items.js";
import type { Split } from "./split.js";

/**
 * Global temporal cut: all interactions sorted by time; the first `fractions[0]` go to train, the next
 * `fractions[1]` to validation, the rest to test. Models never see the future of the cut.
 */
export function temporalSplit(all: UserItems, fractions: readonly number[]): Split {
  if (fractions.length !== 3 || Math.abs(fractions.reduce((a, b) => a + b, 0) - 1) > 1e-6) {
    throw new InvalidArgumentError(`temporal split needs 3 fractions summing to 1, got [${fractions}]`);
  }
  const times = Float64Array.from(all.times).sort();
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * nnz(all)))]!;
  const cutVal = at(fractions[0]!);
  const cutTest = at(fractions[0]! + fractions[1]!);
  const parts: UserItemRow[][] = [[], [], []];
  for (let u = 0; u < all.numUsers; u++) {
    for (let p = all.indptr[u]!; p < all.indptr[u + 1]!; p++) {
      const t = all.times[p]!;
      const part = t < cutVal ? 0 : t < cutTest ? 1 : 2;
      parts[part]!.push({ user: u, item: all.items[p]!, time: t, value: all.values[p]! });
    }
  }
  const make = (rows: UserItemRow[]) => userItemsFromRows(all.numUsers, all.numItems, rows);
  return { protocol: "temporal", train: make(parts[0]!), validation: make(parts[1]!), test: make(parts[2]!) };
}
