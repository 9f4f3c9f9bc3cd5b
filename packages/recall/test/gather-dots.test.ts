import { Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import { GatherDots } from "../src/index.js";

const naive = (q: Float32Array, rows: Float32Array, at: number, d: number) => {
  let s = 0;
  for (let j = 0; j < d; j++) s += q[j]! * rows[at + j]!;
  return s;
};

describe("GatherDots (WebAssembly)", () => {
  it("gives both queries' inner products with the chosen rows, at any dimension, repeats and order kept", () => {
    const rng = new Rng(21);
    for (const d of [1, 3, 4, 7, 8, 13, 64, 65, 512]) {
      const n = 97;
      const rows = Float32Array.from({ length: n * d }, () => rng.next() * 2 - 1);
      const a = Float32Array.from({ length: d }, () => rng.next() * 2 - 1);
      const b = Float32Array.from({ length: d }, () => rng.next() * 2 - 1);
      const items = Int32Array.from([96, 0, 5, 5, 40, 1, 95]);
      const got = GatherDots.over(rows, d)!.pairs(a, b, items);
      expect(got).toHaveLength(2 * items.length);
      items.forEach((i, r) => {
        expect(got[2 * r]).toBeCloseTo(naive(a, rows, i * d, d), 5);
        expect(got[2 * r + 1]).toBeCloseTo(naive(b, rows, i * d, d), 5);
      });
    }
  });

  it("handles more rows than one kernel call's scratch, and reuses one copy per matrix", () => {
    const rng = new Rng(22);
    const d = 16;
    const rows = Float32Array.from({ length: 50 * d }, () => rng.next());
    const q = Float32Array.from({ length: d }, () => rng.next());
    const items = Int32Array.from({ length: 2500 }, (_, r) => (r * 7) % 50);
    const dots = GatherDots.over(rows, d)!;
    expect(GatherDots.over(rows, d)).toBe(dots);
    const got = dots.pairs(q, q, items);
    const want = Float32Array.from(items, (i) => naive(q, rows, i * d, d));
    expect(
      Float32Array.from(items, (_, r) => got[2 * r]!)
        .map((x, r) => Math.abs(x - want[r]!))
        .every((e) => e < 1e-5),
    ).toBe(true);
    expect(dots.pairs(q, q, new Int32Array(0))).toHaveLength(0);
  });
});
