import { Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import { sampleWindows } from "../src/index.js";
import { syntheticData } from "./fixtures.js";

describe("sampleWindows", () => {
  const data = syntheticData(40, 60, 3, 2);
  const transitions = (w: ReturnType<typeof sampleWindows>) => {
    const seen = new Map<string, number>();
    for (let i = 0; i < w.targets.length; i++)
      if (w.targets[i]! >= 0) {
        const key = `${w.inputs[i]}>${w.targets[i]}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    return seen;
  };

  it("'all' covers every transition of every user, at most twice, with the latest window first", () => {
    const maxLen = 4;
    for (const seed of [1, 2, 3]) {
      const w = sampleWindows(data, maxLen, new Rng(seed), "all");
      const got = transitions(w);
      let expected = 0;
      for (let u = 0; u < data.numUsers; u++)
        for (let p = data.indptr[u]! + 1; p < data.indptr[u + 1]!; p++) {
          expected++;
          expect(got.get(`${data.items[p - 1]}>${data.items[p]}`)).toBeGreaterThan(0);
        }
      const total = [...got.values()].reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(expected);
      expect(total).toBeLessThan(2 * expected);
      // Window 0 of user 0 ends at the user's last item.
      const last = data.indptr[1]! - 1;
      expect(w.targets[maxLen - 1]).toBe(data.items[last]);
    }
  });

  it("'one' makes one window per user with at least one transition", () => {
    const w = sampleWindows(data, 4, new Rng(1), "one");
    expect(w.count).toBe(data.numUsers);
    for (let b = 0; b < w.count; b++) expect(w.targets[b * 4 + 3]).toBeGreaterThanOrEqual(0);
  });
});
