import { describe, expect, it } from "vitest";
import { leaveOneOutSplit, loadDataset, nnz } from "../src/index.js";
import { genericDir, mlTagEvents } from "./ml-derived.js";

// Tagging events of ml-latest-small: one row per tag, so a user who writes three tags on a movie has three
// rows for that (user, item) pair, like replays in a listening log.
const dir = genericDir("user,item,value,timestamp", mlTagEvents());
const options = { minUserInteractions: 0, minItemInteractions: 0 };

describe("repeat consumption", () => {
  it("keeps every row of a user-item pair with keepRepeats, one otherwise", async () => {
    const deduped = await loadDataset(dir, options);
    const repeats = await loadDataset(dir, { ...options, keepRepeats: true });
    const rows = mlTagEvents().length;
    expect(nnz(repeats.interactions)).toBe(rows);
    expect(repeats.repeats).toBe(true);
    expect(repeats.steps.map((s) => s.step)).not.toContain("one per user-item");
    const pairs = new Set(mlTagEvents().map((r) => r.split(",").slice(0, 2).join(","))).size;
    expect(nnz(deduped.interactions)).toBe(pairs);
    expect(pairs).toBeLessThan(rows);
    expect(deduped.repeats).toBeUndefined();
  });

  it("lets the held-out item be one the user already has", async () => {
    const repeats = await loadDataset(dir, { ...options, keepRepeats: true });
    const split = leaveOneOutSplit(repeats.interactions);
    let seen = 0;
    for (let u = 0; u < split.test.numUsers; u++) {
      const history = new Set(split.train.items.subarray(split.train.indptr[u]!, split.train.indptr[u + 1]!));
      for (let p = split.test.indptr[u]!; p < split.test.indptr[u + 1]!; p++)
        if (history.has(split.test.items[p]!)) seen++;
    }
    expect(seen).toBeGreaterThan(10);
  });
});
