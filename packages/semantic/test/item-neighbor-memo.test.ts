import { FlatIndex } from "@tandem/recall";
import { describe, expect, it } from "vitest";
import { ItemNeighborMemo } from "../src/recall/item-neighbor-memo.js";

/** Random unit vectors with a few exact duplicates, so ties exercise the lower-key rule too. */
function vectors(n: number, dim: number, seed: number): Float32Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const out = Float32Array.from({ length: n * dim }, next);
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * dim, (i + 1) * dim);
    const norm = Math.hypot(...row);
    for (let d = 0; d < dim; d++) row[d]! /= norm;
  }
  out.copyWithin(5 * dim, 4 * dim, 5 * dim);
  return out;
}

describe("ItemNeighborMemo", () => {
  const n = 60;
  const dim = 8;
  const data = vectors(n, dim, 7);
  const index = new FlatIndex(dim);
  index.add(
    Int32Array.from({ length: n }, (_, i) => i),
    data,
  );
  const vectorOf = (i: number) => (i < n ? data.subarray(i * dim, (i + 1) * dim) : undefined);

  it("answers exactly what a direct search with the user's exclusion answers, light or heavy exclusion", () => {
    const memo = new ItemNeighborMemo(index, vectorOf);
    for (const [item, excluded] of [
      [3, [1, 2, 9]],
      [4, Array.from({ length: 40 }, (_, i) => i + 5)], // most of the list excluded: the fallback path
      [3, []],
    ] as const) {
      const exclude = new Set<number>(excluded);
      const direct = index.search(vectorOf(item)!, 10, { exclude })[0]!;
      const memoised = memo.topFor(item, 10, exclude)!;
      expect([...memoised.keys]).toEqual([...direct.keys]);
      expect([...memoised.scores]).toEqual([...direct.scores]);
    }
    expect(memo.size).toBe(2);
  });

  it("searches each item once however many users ask, and forgets on clear", () => {
    let searches = 0;
    const counting = {
      size: index.size,
      search: (...args: Parameters<FlatIndex["search"]>) => {
        searches++;
        return index.search(...args);
      },
    } as unknown as FlatIndex;
    const memo = new ItemNeighborMemo(counting, vectorOf);
    for (let user = 0; user < 50; user++) memo.topFor(user % 5, 10, new Set([user]));
    expect(searches).toBe(5);
    memo.clear();
    memo.topFor(0, 10, new Set());
    expect(searches).toBe(6);
    expect(memo.topFor(n + 1, 10, new Set())).toBeNull();
  });
});
