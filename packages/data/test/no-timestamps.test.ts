import { describe, expect, it } from "vitest";
import { dayUnit, itemSortedShare, leaveOneOutSplit, loadDataset } from "../src/index.js";
import { genericDir, inTimeOrder, mlRatings } from "./ml-derived.js";

// ml-latest-small users 1-60: with and without the timestamp column, in time order or as the file has
// them (sorted by movie id within each user, the layout that made order features "win").
const rows = mlRatings(60);
const options = { minUserInteractions: 0, minItemInteractions: 0 };

describe("a log without timestamps", () => {
  it("is detected at ingest: times are row positions and the report says so", async () => {
    const timed = await loadDataset(
      genericDir(
        "user,item,value,timestamp",
        rows.map((r) => `${r.user},${r.item},${r.rating},${r.time}`),
      ),
      options,
    );
    expect(timed.time).toBeUndefined();
    expect(timed.warnings).toBeUndefined();

    const untimed = await loadDataset(
      genericDir(
        "user,item,value",
        inTimeOrder(rows).map((r) => `${r.user},${r.item},${r.rating}`),
      ),
      options,
    );
    expect(untimed.time).toBe("order");
    expect(untimed.warnings).toHaveLength(1);
    expect(untimed.warnings![0]).toMatch(/No timestamps/);
    expect(dayUnit(untimed.time)).toBe(1);
    expect(dayUnit(timed.time)).toBe(86_400);
    // Leave-one-out by row order holds out each user's last row, which (here) is their latest rating.
    const split = leaveOneOutSplit(untimed.interactions);
    const byTime = inTimeOrder(rows);
    const lastOf = (user: string) => byTime.filter((r) => r.user === user).at(-1)!.item;
    for (const u of [0, 7, 33]) {
      const id = untimed.users.id(u);
      const item = split.test.items[split.test.indptr[u]!]!;
      expect(untimed.items.id(item)).toBe(lastOf(id));
    }
  });

  it("warns when each user's rows are sorted by item id, not by time", async () => {
    const sorted = await loadDataset(
      genericDir(
        "user,item,value",
        rows.map((r) => `${r.user},${r.item},${r.rating}`),
      ),
      options,
    );
    expect(itemSortedShare(sorted.interactions)).toEqual({ sorted: 60, checked: 60 });
    expect(sorted.warnings!.join("\n")).toMatch(/60 of 60 users' rows are sorted by item id/);
    const timeOrdered = await loadDataset(
      genericDir(
        "user,item,value",
        inTimeOrder(rows).map((r) => `${r.user},${r.item},${r.rating}`),
      ),
      options,
    );
    const share = itemSortedShare(timeOrdered.interactions);
    expect(share.sorted / share.checked).toBeLessThan(0.2);
    expect(timeOrdered.warnings!.join("\n")).not.toMatch(/sorted by item id/);
  });
});
