import { type Dataset, leaveOneOutSplit, type UserItems, userItemsFromRows } from "@tandem/data";
import { describe, expect, it } from "vitest";
import {
  type FitInput,
  type FitReport,
  gridPoints,
  type Hyperparameters,
  type Recommender,
  runProtocol,
  type SearchBudget,
  searchedFactory,
  trialOrder,
} from "../src/index.js";

const space = { target: [0, 1, 2, 3, 4, 5], width: [1, 2] } as const;
const defaults = { target: 0, width: 1 };

/** Ranks item `target` first, the rest by id; every fit advances a fake clock by 100 s and is recorded. */
class Pointed implements Recommender {
  readonly name = "pointed";
  constructor(
    readonly params: Hyperparameters,
    private readonly clock: { ms: number },
    private readonly fits: { params: Hyperparameters; input: FitInput }[],
  ) {}
  async fit(input: FitInput): Promise<FitReport> {
    this.clock.ms += 100_000;
    this.fits.push({ params: this.params, input });
    return { tuned: { epochs: 3 }, seconds: 100 };
  }
  scoreBatch(users: Int32Array, out: Float32Array): void {
    const n = out.length / users.length;
    for (let b = 0; b < users.length; b++)
      for (let i = 0; i < n; i++) out[b * n + i] = i === this.params["target"] ? 10 : -i;
  }
}

/** Three users: items 0 and 1 in train, item 4 held out for validation, item 5 for test. */
const split = leaveOneOutSplit(
  userItemsFromRows(
    3,
    6,
    [0, 1, 2].flatMap((user) => [0, 1, 4, 5].map((item, t) => ({ user, item, time: t + 1, value: 1 }))),
  ),
);
const dataset = { name: "toy" } as Dataset;

function setup(budget: SearchBudget) {
  const clock = { ms: 0 };
  const fits: { params: Hyperparameters; input: FitInput }[] = [];
  const factory = searchedFactory({
    space,
    defaults,
    budget,
    build: (tuned) => new Pointed(tuned, clock, fits),
    now: () => clock.ms,
  });
  return { factory, fits };
}

const itemsOf = (m: UserItems) => Array.from(m.items);

describe("trialOrder", () => {
  it("tries the defaults first, then a seeded shuffle of the rest of the grid, without repeats", () => {
    expect(gridPoints(space)).toHaveLength(12);
    const all = trialOrder(space, defaults, 100, 7);
    expect(all).toHaveLength(12);
    expect(all[0]).toEqual(defaults);
    expect(new Set(all.map((p) => JSON.stringify(p))).size).toBe(12);
    expect(trialOrder(space, defaults, 5, 7)).toEqual(all.slice(0, 5));
    expect(trialOrder(space, defaults, 5, 7)).toEqual(trialOrder(space, defaults, 5, 7));
    expect(trialOrder(space, defaults, 12, 8)).not.toEqual(all);
    expect(trialOrder(space, defaults, 1, 7)).toEqual([defaults]);
  });

  it("refuses a space without a default or with an empty value list", () => {
    expect(() => trialOrder(space, { target: 0 }, 3, 1)).toThrow(/no default for "width"/);
    expect(() => gridPoints({ a: [] })).toThrow(/no values/);
  });
});

describe("searchedFactory under runProtocol", () => {
  it("chooses on validation only, and the refit uses exactly the chosen values", async () => {
    const { factory, fits } = setup({ trials: 100, seconds: 1e9 });
    const result = await runProtocol(factory, dataset, split, { ks: [1], seed: 3 });
    const search = result.fit.search!;
    expect(search.stoppedBy).toBe("space");
    expect(search.trials).toHaveLength(12);
    // The validation item is 4; the test item 5 would win on test, and the search never sees it.
    expect(search.chosen["target"]).toBe(4);
    expect(result.fit.tuned).toEqual({ ...search.chosen, epochs: 3 });
    expect(result.validation.metrics["recall@1"]).toBe(1);
    expect(result.test.metrics["recall@1"]).toBe(0);
    const tuning = fits.slice(0, -1);
    expect(tuning).toHaveLength(12);
    for (const { input } of tuning) {
      expect(itemsOf(input.history)).not.toContain(5);
      expect(itemsOf(input.validation!)).not.toContain(5);
    }
    const refit = fits[fits.length - 1]!;
    expect(refit.params).toEqual(result.fit.tuned);
    expect(refit.input.validation).toBeUndefined();
    expect(result.refit.tuned).toEqual(result.fit.tuned);
  });

  it("is reproducible for a seed and stops after its trial budget", async () => {
    const run = async (seed: number) =>
      (await runProtocol(setup({ trials: 4, seconds: 1e9 }).factory, dataset, split, { ks: [1], seed })).fit
        .search!;
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(a.trials).toHaveLength(4);
    expect(a.stoppedBy).toBe("trials");
    expect(a.trials.map((t) => t.params)).toEqual(trialOrder(space, defaults, 4, 5));
    expect(b).toEqual(a);
    expect(c.trials.map((t) => t.params)).not.toEqual(a.trials.map((t) => t.params));
  });

  it("starts no trial once the clock budget is spent (the first always runs)", async () => {
    // Each fit takes 100 fake seconds: trials start at 0, 100 and 200 s; at 300 s the budget of 250 is spent.
    const { factory, fits } = setup({ trials: 100, seconds: 250 });
    const model = factory({ seed: 1 });
    const report = await model.fit({ history: split.train, validation: split.validation, dataset, seed: 1 });
    expect(report.search!.trials).toHaveLength(3);
    expect(report.search!.stoppedBy).toBe("seconds");
    expect(fits).toHaveLength(3);
    const once = setup({ trials: 100, seconds: 1 });
    await once
      .factory({ seed: 1 })
      .fit({ history: split.train, validation: split.validation, dataset, seed: 1 });
    expect(once.fits).toHaveLength(1);
  });

  it("fits the defaults once, with no search, when there is no validation", async () => {
    const { factory, fits } = setup({ trials: 100, seconds: 1e9 });
    const report = await factory({ seed: 1 }).fit({ history: split.train, dataset, seed: 1 });
    expect(fits.map((f) => f.params)).toEqual([defaults]);
    expect(report.search).toBeUndefined();
    expect(report.tuned).toEqual({ ...defaults, epochs: 3 });
  });
});
