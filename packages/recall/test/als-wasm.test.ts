import { readFileSync } from "node:fs";
import { initTf } from "@tandem/tf";
import { describe, expect, it } from "vitest";
import { assembleWat, generatedPath, kernelModule, WASM_KERNELS } from "../../../scripts/build-wasm.js";
import { AlsSolver, AlsWasmArena, alsRecommender, gramian, solveRowsCg } from "../src/index.js";
import { transpose } from "../src/mf/csr.js";
import { datasetOf, syntheticData, testConfig } from "./fixtures.js";

const root = new URL("../../../", import.meta.url);
const data = syntheticData(150, 90, 3, 11);

const confidences = () => ({
  rows: data.numUsers,
  cols: data.numItems,
  indptr: data.indptr,
  indices: data.items,
  values: data.values.map((v, i) => 1 + 3 * v * ((i % 5) + 1)),
});

const solverFor = (k: number, cgSteps: number) => new AlsSolver(confidences(), k, 0.3, cgSteps, 1, "wasm");

const maxAbsDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe("WebAssembly ALS kernel", () => {
  it("is assembled from its .wat source (the committed bytes are current)", async () => {
    for (const wat of WASM_KERNELS) {
      const bytes = await assembleWat(wat, readFileSync(new URL(wat, root), "utf8"));
      expect(readFileSync(new URL(generatedPath(wat), root), "utf8")).toBe(kernelModule(wat, bytes));
    }
  });

  it.each([
    [8, 1],
    [8, 3],
    [64, 3],
  ])(
    "solves rows like the JavaScript float64 reference (k %i, %i CG steps), within float32 rounding",
    async (k, steps) => {
      await initTf();
      const m = confidences();
      const byItem = transpose(m);
      const arena = AlsWasmArena.create(m, byItem, k, 1);
      const users = arena.factors("users");
      const items = arena.factors("items");
      for (let i = 0; i < users.length; i++) users[i] = Math.sin(i * 0.7) * 0.3;
      for (let i = 0; i < items.length; i++) items[i] = Math.cos(i * 1.3) * 0.05;
      const start = items.slice();
      const reference = items.slice();
      const gram = gramian(users, m.rows, k, 0.3);
      arena.setGram(gram);
      arena.solve("items", 0, byItem.rows, steps);
      solveRowsCg({ ...byItem, x: reference, y: users.slice(), gram, k, cgSteps: steps }, 0, byItem.rows);
      expect(maxAbsDiff(reference, start)).toBeGreaterThan(0.01); // the solve moved the factors
      // float32 CG (as `implicit` runs it) vs float64: rounding grows with the system's conditioning,
      // to ~1e-4 relative here; a wrong kernel is off by the size of the factors.
      expect(maxAbsDiff(items, reference)).toBeLessThan(2e-3 * maxAbs(reference));
    },
  );

  it("falls back to the JavaScript kernel where it cannot run (k not divisible by 4, Cholesky)", () => {
    expect(solverFor(8, 3).kernel).toBe("wasm");
    expect(solverFor(6, 3).kernel).toBe("js");
    expect(solverFor(8, 0).kernel).toBe("js");
  });

  // Whole fits agree loosely only: a warm-started CG that is not run to convergence amplifies rounding
  // differences from sweep to sweep (two float64 fits from starts 1e-6 apart drift as far apart).
  it("fits the same factors as the reference on a well-conditioned problem (default reg and alpha)", async () => {
    const dataset = datasetOf(data);
    const fit = async (kernel: "wasm" | "js") => {
      const c = testConfig().recall;
      const r = alsRecommender({ ...c, als: { ...c.als, threads: 1, kernel } }, { epochs: 3 });
      await r.fit({ history: data, dataset, seed: 7 });
      return r.model;
    };
    const a = await fit("wasm");
    const b = await fit("js");
    expect(maxAbsDiff(a.parts.itemFactors, b.parts.itemFactors)).toBeLessThan(
      1e-3 * maxAbs(b.parts.itemFactors),
    );
  });
});
