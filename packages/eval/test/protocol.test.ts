import { join } from "node:path";
import {
  type Dataset,
  leaveOneOutSplit,
  loadDataset,
  nnz,
  type UserItems,
  userItemsFromRows,
} from "@tandem/data";
import { describe, expect, it } from "vitest";
import {
  evaluate,
  type FitInput,
  type FitReport,
  ItemKnnRecommender,
  PopularityRecommender,
  type Recommender,
  runProtocol,
} from "../src/index.js";

/** Scores item i as `fixed[i]`; records what each fit was allowed to see. */
class Fixed implements Recommender {
  readonly name = "fixed";
  seen: FitInput[] = [];
  constructor(private readonly fixed: number[]) {}
  async fit(input: FitInput): Promise<FitReport> {
    this.seen.push(input);
    return { tuned: { epochs: 3 }, seconds: 0 };
  }
  scoreBatch(users: Int32Array, out: Float32Array): void {
    for (let b = 0; b < users.length; b++) out.set(this.fixed, b * this.fixed.length);
  }
}

const matrix = (rows: [number, number, number][]): UserItems =>
  userItemsFromRows(
    2,
    4,
    rows.map(([user, item, time]) => ({ user, item, time, value: 1 })),
  );

describe("evaluate", () => {
  it("masks the history, then scores the held-out items", () => {
    const model = new Fixed([4, 3, 2, 1]);
    const history = matrix([
      [0, 0, 1],
      [1, 1, 1],
    ]);
    const targets = matrix([
      [0, 1, 2],
      [1, 3, 2],
    ]);
    const r = evaluate(model, history, targets, { ks: [1, 2] });
    // user 0: item 0 masked, top1 = item 1 (hit). user 1: item 1 masked, top2 = [0, 2], item 3 missed.
    expect(r.users).toBe(2);
    expect(r.metrics["recall@1"]).toBe(0.5);
    expect(r.metrics["recall@2"]).toBe(0.5);
    expect(r.metrics["coverage@1"]).toBe(0.5); // items 1 and 0 of 4
    // popularity from history: items 0 and 1 have 1 each; user0 top1 = item1 (1), user1 top1 = item0 (1)
    expect(r.metrics["avgpop@1"]).toBe(1);
  });
});

describe("runProtocol", () => {
  it("tunes with validation, then refits on train + validation without it", async () => {
    const models: Fixed[] = [];
    const dataset = { name: "toy" } as Dataset;
    const split = leaveOneOutSplit(
      matrix([
        [0, 0, 1],
        [0, 1, 2],
        [0, 2, 3],
        [1, 1, 1],
        [1, 2, 2],
        [1, 3, 3],
      ]),
    );
    const result = await runProtocol(
      ({ tuned }) => {
        const m = new Fixed([1, 2, 3, 4]);
        if (models.length === 1) expect(tuned).toEqual({ epochs: 3 });
        models.push(m);
        return m;
      },
      dataset,
      split,
      { ks: [1], seed: 0 },
    );
    expect(models).toHaveLength(2);
    const [tuning, final] = models.map((m) => m.seen[0]!);
    expect(nnz(tuning!.history)).toBe(2);
    expect(tuning!.validation).toBeDefined();
    expect(nnz(final!.history)).toBe(4); // validation items folded into the history
    expect(final!.validation).toBeUndefined();
    expect(result.validation.users).toBe(2);
    expect(result.test.users).toBe(2);
  });
});

describe("runProtocol with maxScoredUsers", () => {
  it("scores a seeded sample of the held-out users while every user still trains", async () => {
    const rows: [number, number, number][] = [];
    for (let u = 0; u < 30; u++) for (let t = 0; t < 3; t++) rows.push([u, (u + t) % 4, t]);
    const history = userItemsFromRows(
      30,
      4,
      rows.map(([user, item, time]) => ({ user, item, time, value: 1 })),
    );
    const models: Fixed[] = [];
    const run = () =>
      runProtocol(
        () => {
          const m = new Fixed([1, 2, 3, 4]);
          models.push(m);
          return m;
        },
        { name: "toy" } as Dataset,
        leaveOneOutSplit(history),
        { ks: [1], seed: 5, maxScoredUsers: 7 },
      );
    const result = await run();
    expect(result.validation.users).toBe(7);
    expect(result.test.users).toBe(7);
    expect(nnz(models[0]!.seen[0]!.history)).toBe(30); // training is not sampled
    expect(nnz(models[1]!.seen[0]!.history)).toBe(60);
    expect([...(await run()).test.userIndexes]).toEqual([...result.test.userIndexes]); // seeded
  });
});

describe("baselines on ml-latest-small (reference protocol)", () => {
  it("ItemKNN beats popularity, and both beat chance by far", async () => {
    const dataset = await loadDataset(join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small"));
    const split = leaveOneOutSplit(dataset.interactions);
    const opts = { ks: [10], seed: 42 };
    const pop = await runProtocol(() => new PopularityRecommender(), dataset, split, opts);
    const knn = await runProtocol(
      ({ tuned }) => new ItemKnnRecommender(tuned?.["neighbors"] as number | undefined),
      dataset,
      split,
      opts,
    );
    const chance = 10 / dataset.items.size;
    expect(pop.test.metrics["recall@10"]).toBeGreaterThan(10 * chance);
    expect(knn.test.metrics["recall@10"]).toBeGreaterThan(pop.test.metrics["recall@10"]!);
    expect(knn.test.metrics["ndcg@10"]).toBeGreaterThan(pop.test.metrics["ndcg@10"]!);
    expect(knn.fit.tuned?.["neighbors"]).toBeTypeOf("number");
  });
});
