import { IdMap, Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import {
  dedupeMask,
  type InteractionLog,
  rowsByUser,
  type UserItemRow,
  userItemsFromColumns,
  userItemsFromRows,
} from "../src/index.js";

/** 5,000 random rows over 40 users × 30 items with many repeated (user, item) pairs and equal times. */
function randomLog(seed: number): InteractionLog {
  const rng = new Rng(seed);
  const n = 5000;
  const log = {
    users: new IdMap(
      "user",
      Array.from({ length: 40 }, (_, u) => `u${u}`),
    ),
    items: new IdMap(
      "item",
      Array.from({ length: 30 }, (_, i) => `i${i}`),
    ),
    length: n,
    user: Int32Array.from({ length: n }, () => rng.int(40)),
    item: Int32Array.from({ length: n }, () => rng.int(30)),
    value: Float32Array.from({ length: n }, () => rng.int(5)),
    timestamp: Float64Array.from({ length: n }, () => rng.int(50)),
  };
  return log;
}

describe("typed-array data path", () => {
  it("dedupe keeps the latest row per (user, item), the later row on ties, like a map over rows", () => {
    for (const seed of [1, 2]) {
      const log = randomLog(seed);
      const keep = Uint8Array.from({ length: log.length }, (_, r) => (r % 7 === 0 ? 0 : 1));
      const expected = keep.slice();
      const latest = new Map<number, number>();
      for (let r = 0; r < log.length; r++) {
        if (!expected[r]) continue;
        const key = log.user[r]! * 30 + log.item[r]!;
        const prev = latest.get(key);
        if (prev === undefined) latest.set(key, r);
        else if (log.timestamp[r]! >= log.timestamp[prev]!) {
          expected[prev] = 0;
          latest.set(key, r);
        } else expected[r] = 0;
      }
      expect(Array.from(dedupeMask(log, keep))).toEqual(Array.from(expected));
    }
  });

  it("CSR from columns equals CSR from row objects, order (user, time, item)", () => {
    const log = randomLog(3);
    const mask = dedupeMask(log, new Uint8Array(log.length).fill(1));
    const rows: UserItemRow[] = [];
    for (let r = 0; r < log.length; r++)
      if (mask[r])
        rows.push({ user: log.user[r]!, item: log.item[r]!, time: log.timestamp[r]!, value: log.value[r]! });
    const fromColumns = userItemsFromColumns({
      numUsers: 40,
      numItems: 30,
      user: Int32Array.from(log.user, (u, r) => (mask[r] ? u : -1)),
      item: log.item,
      time: log.timestamp,
      value: log.value,
    });
    expect(fromColumns).toEqual(userItemsFromRows(40, 30, rows));
  });

  it("groups rows by user in row order", () => {
    const { ptr, rows } = rowsByUser(Int32Array.of(2, 0, 2, 1, 0), 3, Uint8Array.of(1, 1, 1, 1, 0));
    expect(Array.from(ptr)).toEqual([0, 1, 2, 4]);
    expect(Array.from(rows)).toEqual([1, 3, 0, 2]);
  });
});
