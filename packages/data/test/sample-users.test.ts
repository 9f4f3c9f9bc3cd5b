import { describe, expect, it } from "vitest";
import { sampleTargetUsers, userItemsOf } from "../src/index.js";
import { toyMatrix } from "./toy.js";

const targets = toyMatrix(
  50,
  10,
  Array.from({ length: 40 }, (_, u): [number, number, number] => [u, u % 10, u]),
);

describe("validation user sample", () => {
  it("keeps at most max users with targets, their rows unchanged, the same for the same seed", () => {
    const a = sampleTargetUsers(targets, 15, 7);
    const kept = Array.from({ length: 50 }, (_, u) => u).filter((u) => a.indptr[u + 1]! > a.indptr[u]!);
    expect(kept.length).toBe(15);
    for (const u of kept) expect(Array.from(userItemsOf(a, u))).toEqual(Array.from(userItemsOf(targets, u)));
    expect(sampleTargetUsers(targets, 15, 7)).toEqual(a);
    expect(sampleTargetUsers(targets, 15, 8)).not.toEqual(a);
    expect(a.numUsers).toBe(50);
  });

  it("is the targets themselves when they are small enough", () => {
    expect(sampleTargetUsers(targets, 40, 1)).toBe(targets);
  });
});
