import { leaveOneOutSplit, type UserItems } from "@tandem/data";
import { describe, expect, it } from "vitest";
import {
  alsRecommender,
  mergedRecall,
  quotasFor,
  RecallPipeline,
  searchQuotas,
  sourceLists,
  sourceRecall,
} from "../src/index.js";
import { datasetOf, syntheticData, testConfig } from "./fixtures.js";

const data = syntheticData(150, 60, 3, 8);
const split = leaveOneOutSplit(data);
const config = testConfig({
  sources: { quotaMf: 10, quotaNext: 10, quotaCooc: 10, quotaPop: 5, ann: "flat" },
});

const rowOf = (m: UserItems, u: number) => m.items.subarray(m.indptr[u]!, m.indptr[u + 1]!);
const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

/** Share of users whose validation item the candidate function returns: the count done by hand. */
function bruteForce(candidates: (u: number, seen: Int32Array) => Iterable<number>): number {
  let hits = 0;
  let users = 0;
  for (let u = 0; u < split.validation.numUsers; u++) {
    const target = rowOf(split.validation, u);
    if (target.length === 0) continue;
    users++;
    if (new Set(candidates(u, rowOf(split.train, u))).has(target[0]!)) hits++;
  }
  return hits / users;
}

describe("candidate budget", async () => {
  const als = alsRecommender(config.recall);
  await als.fit({ history: split.train, validation: split.validation, dataset: datasetOf(data), seed: 1 });
  const pipeline = new RecallPipeline(split.train, als.model, config.recall.sources);
  const lists = sourceLists(pipeline.sources, split.train, split.validation, 30);

  it("counts each source's top-K recall as asking the source for K items does", () => {
    expect(lists.names).toEqual(["next", "mf", "cooc", "pop"]);
    for (const [s, source] of pipeline.sources.entries()) {
      for (const k of [1, 5, 20]) {
        const byHand = bruteForce((u, seen) => source.propose(u, seen, k, new Set(seen)).items);
        expect(mean(sourceRecall(lists, lists.names[s]!, k)), `${source.name}@${k}`).toBeCloseTo(byHand, 12);
      }
    }
  });

  it("counts the merged set exactly as the pipeline builds it, under any quotas", () => {
    const asConfigured = bruteForce((u) => pipeline.forUser(u).map((c) => c.item));
    expect(mean(mergedRecall(lists, [10, 10, 10, 5]).recall)).toBeCloseTo(asConfigured, 12);
    const other = new RecallPipeline(split.train, als.model, {
      ...config.recall.sources,
      quotaNext: 3,
      quotaMf: 20,
      quotaCooc: 0,
      quotaPop: 7,
    });
    const byHand = bruteForce((u) => other.forUser(u).map((c) => c.item));
    expect(mean(mergedRecall(lists, [3, 20, 0, 7]).recall)).toBeCloseTo(byHand, 12);
  });

  it("splits a total by shares, every unit placed, none to a zero share", () => {
    expect(quotasFor([100, 100, 100, 50, 50], 200)).toEqual([50, 50, 50, 25, 25]);
    expect(quotasFor([1, 1, 1], 100)).toEqual([34, 33, 33]);
    expect(quotasFor([0, 2, 1], 10)).toEqual([0, 7, 3]);
  });

  it("chooses a split at least as good as the configured one on validation, reproducibly", () => {
    const choice = searchQuotas(lists, 20, [10, 10, 10, 5], 3);
    expect(choice.quotas.reduce((a, b) => a + b, 0)).toBe(20);
    expect(choice.recall).toBeGreaterThanOrEqual(choice.defaults.recall);
    expect(choice.defaults.quotas).toEqual(quotasFor([10, 10, 10, 5], 20));
    expect(searchQuotas(lists, 20, [10, 10, 10, 5], 3)).toEqual(choice);
    // The pipeline built with the chosen quotas recalls what the search said it would.
    const [next, mf, cooc, pop] = choice.quotas as [number, number, number, number];
    const chosen = new RecallPipeline(split.train, als.model, {
      ...config.recall.sources,
      quotaNext: next,
      quotaMf: mf,
      quotaCooc: cooc,
      quotaPop: pop,
    });
    expect(bruteForce((u) => chosen.forUser(u).map((c) => c.item))).toBeCloseTo(choice.recall, 12);
    expect(choice.tried).toBeGreaterThan(100);
  });
});
