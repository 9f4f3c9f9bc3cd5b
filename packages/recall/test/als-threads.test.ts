import { initTf } from "@tandem/tf";
import { describe, expect, it } from "vitest";
import { type AlsKernel, AlsSolver, alsRecommender, splitRows } from "../src/index.js";
import { datasetOf, syntheticData, testConfig } from "./fixtures.js";

const data = syntheticData();

function solver(threads: number, kernel: AlsKernel = "wasm") {
  const s = new AlsSolver(
    {
      rows: data.numUsers,
      cols: data.numItems,
      indptr: data.indptr,
      indices: data.items,
      values: data.values.map((v) => 1 + v),
    },
    16,
    0.5,
    3,
    threads,
    kernel,
  );
  const users = s.allocate("users");
  const items = s.allocate("items");
  for (let i = 0; i < users.length; i++) users[i] = Math.sin(i) * 0.01;
  for (let i = 0; i < items.length; i++) items[i] = Math.cos(i) * 0.01;
  return { s, users, items };
}

describe.each(["wasm", "js"] as const)("threaded ALS (%s kernel)", (kernel) => {
  it("gives the same factors on two worker threads as on the calling thread", async () => {
    await initTf();
    const one = solver(1, kernel);
    const two = solver(2, kernel);
    expect(one.s.kernel).toBe(kernel);
    expect(one.s.threaded).toBe(false);
    expect(two.s.threaded).toBe(true);
    expect(two.users.buffer).toBeInstanceOf(SharedArrayBuffer);
    try {
      for (let sweep = 0; sweep < 3; sweep++) {
        await one.s.sweep(one.users, one.items);
        await two.s.sweep(two.users, two.items);
      }
    } finally {
      await two.s.close();
    }
    expect(Array.from(two.users)).toEqual(Array.from(one.users));
    expect(Array.from(two.items)).toEqual(Array.from(one.items));
    expect(one.users.some((v) => Math.abs(v) > 0.05)).toBe(true); // it did learn something
  });

  it("a threaded fit reproduces the single-thread fit end to end", async () => {
    const config = (threads: number) => {
      const c = testConfig().recall;
      return { ...c, als: { ...c.als, threads, kernel } };
    };
    const dataset = datasetOf(data);
    const a = alsRecommender(config(1), { epochs: 2 });
    const b = alsRecommender(config(2), { epochs: 2 });
    await a.fit({ history: data, dataset, seed: 3 });
    await b.fit({ history: data, dataset, seed: 3 });
    expect(Array.from(b.model.parts.itemFactors)).toEqual(Array.from(a.model.parts.itemFactors));
    // The model keeps its own copy, not a view on the solver's (WebAssembly) memory.
    expect(a.model.parts.itemFactors.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it("splits rows into ranges of about equal work", () => {
    const indptr = Int32Array.of(0, 100, 101, 102, 103, 203);
    const bounds = splitRows(indptr, 2);
    expect(bounds).toEqual([0, 3, 5]); // rows 0–2 hold 102 entries, rows 3–4 hold 101
    expect(splitRows(indptr, 1)).toEqual([0, 5]);
  });
});
