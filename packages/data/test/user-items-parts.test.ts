import { join } from "node:path";
import { Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import {
  concatUserItems,
  leaveOneOutSplit,
  loadDataset,
  partitionUserItems,
  ratioSplit,
  rowsOf,
  temporalSplit,
  type UserItems,
  userItemsFromRows,
} from "../src/index.js";

const plain = (m: UserItems) => ({
  indptr: [...m.indptr],
  items: [...m.items],
  times: [...m.times],
  values: [...m.values],
});

/** A random matrix with many same-second ties, built the row-object way (the reference). */
function randomMatrix(seed: number, users = 40, items = 30): UserItems {
  const rng = new Rng(seed);
  const rows = Array.from({ length: 500 }, () => ({
    user: Math.floor(rng.next() * users),
    item: Math.floor(rng.next() * items),
    time: Math.floor(rng.next() * 20),
    value: rng.next(),
  }));
  return userItemsFromRows(users, items, rows);
}

describe("typed-array parts", () => {
  it("partitions exactly as filtering rows and rebuilding would", () => {
    const m = randomMatrix(1);
    const rng = new Rng(2);
    const partOf = Uint8Array.from(m.items, () => Math.floor(rng.next() * 3));
    const parts = partitionUserItems(m, partOf, 3);
    const rows = rowsOf(m);
    parts.forEach((part, k) => {
      const reference = userItemsFromRows(
        m.numUsers,
        m.numItems,
        rows.filter((_, p) => partOf[p] === k),
      );
      expect(plain(part)).toEqual(plain(reference));
    });
  });

  it("concatenates exactly as re-sorting the rows of both would, ties included", () => {
    for (const seed of [3, 4, 5]) {
      const a = randomMatrix(seed);
      const b = randomMatrix(seed + 100);
      const reference = userItemsFromRows(a.numUsers, a.numItems, [...rowsOf(a), ...rowsOf(b)]);
      expect(plain(concatUserItems(a, b))).toEqual(plain(reference));
    }
  });

  it("every split of ml-latest-small puts each interaction in exactly one part, in time order", async () => {
    const { interactions: all } = await loadDataset(
      join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small"),
    );
    for (const split of [
      leaveOneOutSplit(all),
      leaveOneOutSplit(all, { tieOrder: { random: 3 } }),
      ratioSplit(all, [0.8, 0.1, 0.1], 9),
      temporalSplit(all, [0.8, 0.1, 0.1]),
    ]) {
      const back = concatUserItems(concatUserItems(split.train, split.validation), split.test);
      expect(plain(back)).toEqual(plain(all));
    }
    const loo = leaveOneOutSplit(all);
    for (let u = 0; u < all.numUsers; u++) {
      expect(loo.test.items[loo.test.indptr[u]!]).toBe(all.items[all.indptr[u + 1]! - 1]);
      expect(loo.validation.items[loo.validation.indptr[u]!]).toBe(all.items[all.indptr[u + 1]! - 2]);
    }
  });
});
