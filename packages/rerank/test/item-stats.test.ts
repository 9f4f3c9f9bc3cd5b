import { userItemsFromRows } from "@tandem/data";
import { describe, expect, it } from "vitest";
import { itemStatsOf } from "../src/index.js";

const DAY = 86_400;
// Three items: 0 seen long ago and recently, 1 only long ago, 2 only recently.
const rows = [
  { user: 0, item: 0, time: 0, value: 1 },
  { user: 0, item: 1, time: 1 * DAY, value: 1 },
  { user: 1, item: 0, time: 400 * DAY, value: 1 },
  { user: 1, item: 2, time: 401 * DAY, value: 1 },
];
const history = userItemsFromRows(2, 3, rows);

describe("item statistics", () => {
  it("count recent interactions and age in days when there are timestamps", () => {
    const stats = itemStatsOf(history, 90);
    expect(Array.from(stats.recentPop)).toEqual([Math.log1p(1), 0, Math.log1p(1)].map(Math.fround));
    expect(stats.age[0]).toBeCloseTo(Math.log1p(401), 5);
  });

  it("hold recency and age constant without timestamps (row positions are no calendar)", () => {
    const stats = itemStatsOf(history, 90, "order");
    expect(Array.from(stats.recentPop)).toEqual([0, 0, 0]);
    expect(Array.from(stats.age)).toEqual([0, 0, 0]);
    expect(stats.logPop[0]).toBeCloseTo(Math.log1p(2), 6);
  });
});
