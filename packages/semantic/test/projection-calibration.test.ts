import { join } from "node:path";
import { loadConfig, Rng } from "@tandem/core";
import { loadDataset } from "@tandem/data";
import { alsRecommender } from "@tandem/recall";
import { describe, expect, it } from "vitest";
import { applyCalibration, calibrateProjection, fitTextToMfRidge, projectText } from "../src/index.js";

/** Per-user standard deviation of user · item scores over `rows` (n × k), averaged over users. */
function meanUserSpread(users: Float32Array, rows: Float32Array, k: number): number {
  const n = rows.length / k;
  let total = 0;
  let count = 0;
  for (let u = 0; u < users.length / k; u++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      let x = 0;
      for (let c = 0; c < k; c++) x += users[u * k + c]! * rows[i * k + c]!;
      s += x;
      s2 += x * x;
    }
    const variance = s2 / n - (s / n) ** 2;
    if (variance > 0) {
      total += Math.sqrt(variance);
      count++;
    }
  }
  return total / count;
}

describe("projection calibration on ml-latest-small", () => {
  it("maps held-out items' projected scores onto the spread of their own factors' scores", async () => {
    const dataset = await loadDataset(join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small"));
    const config = loadConfig({ recall: { als: { factors: 32 } } }, {});
    const als = alsRecommender(config.recall, { epochs: 8 });
    await als.fit({ history: dataset.interactions, dataset, seed: 5 });
    const { itemFactors, userFactors, dim } = als.model.parts;
    // Item "text": its genres, multi-hot: real content, a weak predictor of the factors (strong shrinkage).
    const genres = [...new Set(dataset.itemInfo.flatMap((i) => i.tags ?? []))];
    const n = dataset.itemInfo.length;
    const text = new Float32Array(n * genres.length);
    dataset.itemInfo.forEach((item, i) => {
      for (const g of item.tags ?? []) text[i * genres.length + genres.indexOf(g)] = 1;
    });
    // 20% of items play the cold ones: neither the projection nor the calibration sees them.
    const rng = new Rng(9);
    const trained = Uint8Array.from({ length: n }, () => (rng.next() < 0.8 ? 1 : 0));
    const held: number[] = [];
    trained.forEach((t, i) => {
      if (!t) held.push(i);
    });
    const rows = (table: Float32Array, width: number) => {
      const out = new Float32Array(held.length * width);
      held.forEach((i, r) => {
        out.set(table.subarray(i * width, (i + 1) * width), r * width);
      });
      return out;
    };
    const map = fitTextToMfRidge(text, genres.length, itemFactors, dim, trained, { seed: 5 });
    const projected = projectText(map, rows(text, genres.length));
    const calibration = calibrateProjection(text, genres.length, itemFactors, userFactors, dim, trained, {
      seed: 5,
    });
    const own = meanUserSpread(userFactors, rows(itemFactors, dim), dim);
    const raw = meanUserSpread(userFactors, projected, dim) / own;
    const calibrated = meanUserSpread(userFactors, applyCalibration(calibration, projected), dim) / own;
    expect(raw).toBeLessThan(0.7); // ridge shrinks: projected scores spread far less than real ones
    expect(calibration.scale).toBeGreaterThan(1);
    expect(calibrated).toBeGreaterThan(0.8);
    expect(calibrated).toBeLessThan(1.25);
  }, 120_000);
});
