import { Rng } from "@tandem/core";
import { type UserItemRow, type UserItems, userItemsFromRows } from "@tandem/data";
import { describe, expect, it } from "vitest";
import {
  cosineNeighbors,
  cosineNeighborsThreaded,
  type NeighborLists,
  SparseScores,
  sharedCosineNeighbors,
  sharedTransitionNeighbors,
  topK,
  transitionNeighbors,
  truncateNeighbors,
} from "../src/index.js";

/** Random histories with skewed popularity: 60 users, 80 items, distinct items per user. */
function randomHistories(seed: number): UserItems {
  const rng = new Rng(seed);
  const rows: UserItemRow[] = [];
  for (let u = 0; u < 60; u++) {
    const seen = new Set<number>();
    const n = 3 + rng.int(25);
    for (let t = 0; t < n; t++) {
      const item = Math.floor(80 * rng.next() ** 2);
      if (seen.has(item)) continue;
      seen.add(item);
      rows.push({ user: u, item, time: t * 10 + rng.int(3), value: 1 });
    }
  }
  return userItemsFromRows(60, 80, rows);
}

/** The dense items² reference: what the sparse builders replaced, kept here to hold them to it. */
function denseReference(ui: UserItems, kind: "cosine" | "next", window = 3): Float32Array {
  const n = ui.numItems;
  const m = new Float32Array(n * n);
  const count = new Float32Array(n);
  for (let u = 0; u < ui.numUsers; u++) {
    const s = ui.indptr[u]!;
    const e = ui.indptr[u + 1]!;
    for (let a = s; a < e; a++) {
      const i = ui.items[a]!;
      if (kind === "cosine") {
        count[i]!++;
        for (let b = s; b < e; b++) if (b !== a) m[i * n + ui.items[b]!]!++;
      } else {
        for (let b = a + 1; b < Math.min(e, a + 1 + window); b++) {
          m[i * n + ui.items[b]!]! += 1 / (b - a);
          count[i]! += 1 / (b - a);
        }
      }
    }
  }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const c = m[i * n + j]!;
      if (c === 0) continue;
      m[i * n + j] = kind === "cosine" ? c / Math.sqrt(count[i]! * count[j]!) : c / Math.sqrt(count[i]!);
    }
  return m;
}

function expectSameAsDense(lists: NeighborLists, dense: Float32Array, k: number) {
  const n = lists.numItems;
  for (let i = 0; i < n; i++) {
    const row = dense.subarray(i * n, (i + 1) * n);
    const expected = topK(row, k, (j) => j === i || row[j]! <= 0);
    const got = lists.idx.subarray(lists.ptr[i]!, lists.ptr[i + 1]!);
    expect(Array.from(got)).toEqual(Array.from(expected));
    for (let p = 0; p < got.length; p++)
      expect(lists.weight[lists.ptr[i]! + p]).toBeCloseTo(row[got[p]!]!, 5);
  }
}

describe("sparse item-item statistics", () => {
  it("cosine neighbours equal the dense reference's top-k, for several seeds and sizes", () => {
    for (const seed of [1, 2, 3]) {
      const ui = randomHistories(seed);
      for (const k of [5, 20])
        expectSameAsDense(cosineNeighbors(ui, { neighbors: k }), denseReference(ui, "cosine"), k);
    }
  });

  it("cosine neighbours on worker threads are the single-thread lists, binary and weighted", async () => {
    const ui = randomHistories(8);
    for (const row of ui.values.keys()) ui.values[row] = 1 + (row % 5);
    // Each build starts its workers (about a second from TypeScript sources): two builds cover both paths.
    for (const [weighting, threads] of [
      ["none", 3],
      ["log", 2],
    ] as const) {
      const one = cosineNeighbors(ui, { neighbors: 7, weighting });
      expect(await cosineNeighborsThreaded(ui, { neighbors: 7, weighting }, threads, 0)).toEqual(one);
    }
  });

  it("transition neighbours equal the dense reference's top-k", () => {
    for (const seed of [4, 5]) {
      const ui = randomHistories(seed);
      for (const window of [1, 3]) {
        const lists = transitionNeighbors(ui, { window, neighbors: 10 });
        expectSameAsDense(lists, denseReference(ui, "next", window), 10);
      }
    }
  });

  it("a history cap pairs only each user's latest items", () => {
    const ui = userItemsFromRows(1, 4, [
      { user: 0, item: 0, time: 1, value: 1 },
      { user: 0, item: 1, time: 2, value: 1 },
      { user: 0, item: 2, time: 3, value: 1 },
      { user: 0, item: 3, time: 4, value: 1 },
    ]);
    const capped = cosineNeighbors(ui, { neighbors: 5, historyCap: 2 });
    expect(capped.ptr[1]).toBe(0); // item 0 is outside the latest two: no pairs
    expect(Array.from(capped.idx.subarray(capped.ptr[2]!, capped.ptr[3]!))).toEqual([3]);
    expect(cosineNeighbors(ui, { neighbors: 5 }).ptr[1]).toBe(3);
  });

  it("is built once per history: a smaller request is the prefix of the cached lists", () => {
    const ui = randomHistories(7);
    const wide = sharedCosineNeighbors(ui, { neighbors: 30 });
    expect(sharedCosineNeighbors(ui, { neighbors: 30 })).toBe(wide);
    const narrow = sharedCosineNeighbors(ui, { neighbors: 4 });
    expect(narrow).toEqual(truncateNeighbors(wide, 4));
    expect(narrow).toEqual(cosineNeighbors(ui, { neighbors: 4 }));
    expect(sharedTransitionNeighbors(ui, { window: 2, neighbors: 5 })).toEqual(
      transitionNeighbors(ui, { window: 2, neighbors: 5 }),
    );
  });

  it("sparse scores give the top positive touched entries and clear only what they touched", () => {
    const s = new SparseScores(1000);
    s.add(7, 1);
    s.add(3, 2);
    s.add(7, 2);
    s.add(500, -1);
    s.add(9, 3);
    expect(s.touched.length).toBe(4);
    const top = s.takeTop(2, (i) => i === 9);
    expect(Array.from(top.keys)).toEqual([7, 3]);
    expect(Array.from(top.scores)).toEqual([3, 2]);
    expect(s.touched.length).toBe(0);
    expect(s.get(7)).toBe(0);
  });

  it("dropping items before takeTop leaves them out exactly as a skip test does", () => {
    const fill = (s: SparseScores) => {
      for (let r = 0; r < 400; r++) s.add((r * 37) % 211, ((r * 13) % 7) - 1);
    };
    const excluded = new Set([0, 37, 74, 5, 999, 210]);
    const a = new SparseScores(1000);
    fill(a);
    const skipped = a.takeTop(20, (i) => excluded.has(i));
    const b = new SparseScores(1000);
    fill(b);
    b.drop(excluded);
    const dropped = b.takeTop(20);
    expect(Array.from(dropped.keys)).toEqual(Array.from(skipped.keys));
    expect(Array.from(dropped.scores)).toEqual(Array.from(skipped.scores));
    expect(Array.from(dropped.keys).some((i) => excluded.has(i))).toBe(false);
    expect(b.touched.length).toBe(0);
    // Nothing dropped lingers: the same adds after it give the unfiltered top, excluded items included.
    fill(b);
    const again = new SparseScores(1000);
    fill(again);
    const unfiltered = Array.from(again.takeTop(20).keys);
    expect(Array.from(b.takeTop(20).keys)).toEqual(unfiltered);
    expect(unfiltered.some((i) => excluded.has(i))).toBe(true);
  });
});
