import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type UserItemRow, userItemsFromRows, valueWeight, weightedItemCounts } from "@tandem/data";
import { describe, expect, it } from "vitest";
import { cosineNeighbors, PopularityRecommender } from "../src/index.js";

// A weighted log: ml-latest-small ratings (0.5–5) of users 1–40 as values, items re-indexed densely.
const rows: UserItemRow[] = [];
const itemIndex = new Map<string, number>();
for (const line of readFileSync(
  join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small", "ratings.csv"),
  "utf8",
)
  .trim()
  .split("\n")
  .slice(1)) {
  const [u, i, r, t] = line.split(",") as [string, string, string, string];
  if (Number(u) > 40) break;
  if (!itemIndex.has(i)) itemIndex.set(i, itemIndex.size);
  rows.push({ user: Number(u) - 1, item: itemIndex.get(i)!, time: Number(t), value: Number(r) });
}
const log = userItemsFromRows(40, itemIndex.size, rows);

/** Cosine of items a and b on the matrix weighted by f, from the rows. */
function directCosine(a: number, b: number, f: (v: number) => number): number {
  const byUser = new Map<number, Map<number, number>>();
  for (const r of rows) byUser.set(r.user, (byUser.get(r.user) ?? new Map()).set(r.item, f(r.value)));
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const items of byUser.values()) {
    const wa = items.get(a) ?? 0;
    const wb = items.get(b) ?? 0;
    dot += wa * wb;
    na += wa * wa;
    nb += wb * wb;
  }
  return dot / Math.sqrt(na * nb);
}

describe("value weighting on a weighted log", () => {
  it("weights the item-item cosine by f(value), and 'none' is the binary cosine", () => {
    for (const weighting of ["none", "linear", "log"] as const) {
      const lists = cosineNeighbors(log, { neighbors: 5, weighting });
      for (const i of [0, 3, 17]) {
        const j = lists.idx[lists.ptr[i]!]!;
        const expected = directCosine(i, j, (v) => valueWeight(v, weighting));
        expect(lists.weight[lists.ptr[i]!]!).toBeCloseTo(expected, 5);
      }
    }
    // The strongest neighbours change once ratings count: the weighting is not a no-op on this log.
    const binary = cosineNeighbors(log, { neighbors: 5 });
    const linear = cosineNeighbors(log, { neighbors: 5, weighting: "linear" });
    expect(Array.from(linear.weight)).not.toEqual(Array.from(binary.weight));
  });

  it("ranks popularity by the sum of weights", async () => {
    const sums = weightedItemCounts(log, "linear");
    const item = 0;
    expect(sums[item]).toBeCloseTo(
      rows.filter((r) => r.item === item).reduce((s, r) => s + r.value, 0),
      4,
    );
    const pop = new PopularityRecommender("linear");
    await pop.fit({ history: log, dataset: undefined as never, seed: 1 });
    const out = new Float32Array(log.numItems);
    pop.scoreBatch(Int32Array.of(0), out);
    expect(Array.from(out)).toEqual(Array.from(sums, Math.fround));
  });
});
