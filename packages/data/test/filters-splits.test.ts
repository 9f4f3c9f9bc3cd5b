import { describe, expect, it } from "vitest";
import {
  concatUserItems,
  countMask,
  dedupeMask,
  InteractionLogBuilder,
  kCoreMask,
  leaveOneOutSplit,
  nnz,
  ratioSplit,
  temporalSplit,
  userItemsOf,
} from "../src/index.js";
import { toyMatrix } from "./toy.js";

describe("k-core", () => {
  it("iterates until every user and item meets its threshold", () => {
    // u1 has 2 items; removing u1 leaves item c with 1 user, which then goes too.
    const b = new InteractionLogBuilder();
    for (const [u, i] of [
      ["u0", "a"],
      ["u0", "b"],
      ["u0", "c"],
      ["u1", "a"],
      ["u1", "c"],
      ["u2", "a"],
      ["u2", "b"],
      ["u2", "d"],
      ["u3", "a"],
      ["u3", "b"],
      ["u3", "d"],
    ] as const) {
      b.push(u, i, 1, 0);
    }
    const log = b.build();
    const mask = kCoreMask(log, 3, 2);
    const kept = [...mask].flatMap((v, i) =>
      v ? [`${log.users.id(log.user[i]!)}${log.items.id(log.item[i]!)}`] : [],
    );
    expect(kept).toEqual(["u2a", "u2b", "u2d", "u3a", "u3b", "u3d"]);
  });

  it("keeps one row per user-item, the latest", () => {
    const b = new InteractionLogBuilder();
    b.push("u", "a", 1, 10);
    b.push("u", "a", 5, 30);
    b.push("u", "a", 3, 20);
    const log = b.build();
    const mask = dedupeMask(log, new Uint8Array(3).fill(1));
    expect([...mask]).toEqual([0, 1, 0]);
    expect(countMask(mask)).toBe(1);
  });
});

describe("leave-one-out split", () => {
  it("holds out the last item for test and second-last for validation, ties by item id", () => {
    const m = toyMatrix(3, 6, [
      [0, 5, 1],
      [0, 3, 2],
      [0, 4, 3],
      [0, 1, 3], // items 1 and 4 tie at t=3: 4 is last
      [1, 2, 7],
      [1, 0, 9],
      [2, 3, 1],
    ]);
    const s = leaveOneOutSplit(m);
    expect([...userItemsOf(s.test, 0)]).toEqual([4]);
    expect([...userItemsOf(s.validation, 0)]).toEqual([1]);
    expect([...userItemsOf(s.train, 0)]).toEqual([5, 3]);
    expect([...userItemsOf(s.test, 1)]).toEqual([0]);
    expect([...userItemsOf(s.validation, 1)]).toEqual([]);
    expect([...userItemsOf(s.train, 2)]).toEqual([3]);
    expect(nnz(s.train) + nnz(s.validation) + nnz(s.test)).toBe(nnz(m));
    expect(nnz(concatUserItems(s.train, s.validation))).toBe(nnz(m) - 2);
  });
});

describe("ratio split", () => {
  const m = toyMatrix(
    20,
    30,
    Array.from({ length: 20 * 20 }, (_, k): [number, number, number] => [Math.floor(k / 20), k % 20, k]),
  );

  it("is deterministic for a seed, different across seeds, and follows the fractions", () => {
    const a = ratioSplit(m, [0.8, 0.1, 0.1], 1);
    const b = ratioSplit(m, [0.8, 0.1, 0.1], 1);
    const c = ratioSplit(m, [0.8, 0.1, 0.1], 2);
    expect(a.test.items).toEqual(b.test.items);
    expect(a.test.items).not.toEqual(c.test.items);
    expect([nnz(a.train), nnz(a.validation), nnz(a.test)]).toEqual([320, 40, 40]);
    const two = ratioSplit(m, [0.75, 0.25], 1);
    expect([nnz(two.train), nnz(two.validation), nnz(two.test)]).toEqual([300, 0, 100]);
  });

  it("rejects fractions that do not sum to 1", () => {
    expect(() => ratioSplit(m, [0.8, 0.3], 1)).toThrow(/summing to 1/);
  });
});

describe("temporal split", () => {
  it("cuts all interactions at global time quantiles", () => {
    const m = toyMatrix(
      2,
      10,
      Array.from({ length: 10 }, (_, k): [number, number, number] => [k % 2, k, k * 10]),
    );
    const s = temporalSplit(m, [0.6, 0.2, 0.2]);
    expect([nnz(s.train), nnz(s.validation), nnz(s.test)]).toEqual([6, 2, 2]);
    for (let p = 0; p < nnz(s.test); p++) expect(s.test.times[p]).toBeGreaterThanOrEqual(80);
  });
});
