import { userItemsFromRows } from "@tandem/data";
import { describe, expect, it } from "vitest";
import { EaseRecommender, easeWeights, gramMatrix, invertSpdInPlace } from "../src/index.js";

describe("EASE", () => {
  it("inverts a symmetric positive-definite matrix", () => {
    const n = 6;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = i === j ? 8 + i : Math.sin(3 * i + j);
    const inv = Float64Array.from(a);
    invertSpdInPlace(inv, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });

  it("learns that co-consumed items predict each other, with a zero diagonal", async () => {
    // Users 0-3 take items 0 and 1 together; users 4-7 take items 2 and 3 together.
    const rows = [];
    for (let u = 0; u < 8; u++)
      for (const i of u < 4 ? [0, 1] : [2, 3]) rows.push({ user: u, item: i, time: i, value: 1 });
    rows.push({ user: 8, item: 0, time: 0, value: 1 });
    const history = userItemsFromRows(9, 4, rows);
    const b = easeWeights(gramMatrix(history), 4, 1);
    expect(b[0]).toBe(0);
    expect(b[0 * 4 + 1]!).toBeGreaterThan(b[0 * 4 + 2]!);
    const model = new EaseRecommender(1);
    await model.fit({ history, dataset: {} as never, seed: 1 });
    const out = new Float32Array(4);
    model.scoreBatch(Int32Array.from([8]), out);
    expect(out[1]!).toBeGreaterThan(out[2]!);
  });

  it("refuses a catalogue above its item limit with a typed error", async () => {
    const history = userItemsFromRows(1, 50, [{ user: 0, item: 0, time: 0, value: 1 }]);
    await expect(
      new EaseRecommender(10, 20).fit({ history, dataset: {} as never, seed: 1 }),
    ).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringMatching(/easeMaxItems = 20/),
    });
  });
});
