import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import {
  concatUserItems,
  type Dataset,
  datasetForSplit,
  detectReader,
  earliestHeldOut,
  filterLog,
  leaveOneOutSplit,
  prepareDataset,
  type Split,
  type UserItems,
  withItemTags,
} from "@tandem/data";
import { type FitInput, type ModelFactory, runProtocol } from "@tandem/eval";
import { describe, expect, it } from "vitest";
import { modelRegistry } from "../services/cli/src/models.js";

const ROOT = join(import.meta.dirname, "..");
const config = loadConfig(
  {
    data: { dir: join(ROOT, "data", "ml-latest-small") },
    // Two trials: the searched models' inner fits run (and see what the outer fit sees) at little cost.
    eval: { search: { trials: 2 } },
    semantic: { cacheDir: join(ROOT, ".tandem", "cache") },
  },
  {},
);

const pairs = (m: UserItems) => {
  const out = new Set<number>();
  for (let u = 0; u < m.numUsers; u++)
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) out.add(u * m.numItems + m.items[p]!);
  return out;
};
const overlap = (m: UserItems, forbidden: Set<number>) =>
  [...pairs(m)].filter((p) => forbidden.has(p)).length;

/**
 * What a fit may see under the protocol: never a test interaction; while tuning (validation given) never
 * a validation interaction in the history; never the full interaction log; item text only from tags
 * written before the earliest held-out event.
 */
function leaksIn(input: FitInput, split: Split, expectedText: readonly (string | undefined)[]): string[] {
  const test = pairs(split.test);
  const val = pairs(split.validation);
  const leaks: string[] = [];
  if (overlap(input.history, test) > 0)
    leaks.push(`history holds ${overlap(input.history, test)} test interactions`);
  if (input.validation) {
    if (overlap(input.history, val) > 0) leaks.push("tuning history holds validation interactions");
    if (overlap(input.validation, test) > 0) leaks.push("tuning validation holds test interactions");
  }
  const text = input.dataset.itemInfo.map((i) => i.text?.["tags"]);
  if (text.some((t, i) => t !== expectedText[i])) leaks.push("item text holds tags from after the cut");
  return leaks;
}

/** A factory whose models have every fit's input checked before they see it. */
function watched(
  factory: ModelFactory,
  split: Split,
  text: readonly (string | undefined)[],
  seen: string[][],
): ModelFactory {
  return (options) => {
    const model = factory(options);
    const originalFit = model.fit.bind(model);
    model.fit = (input) => {
      seen.push(leaksIn(input, split, text));
      return originalFit(input);
    };
    return model;
  };
}

async function bundledSlice(): Promise<Dataset> {
  // The first 60 users of the bundled data (5-core again): every model fits in seconds.
  const raw = await detectReader(config.data.dir).read(config.data.dir);
  const log = filterLog(raw.log, (i) => Number(raw.log.users.id(raw.log.user[i]!)) <= 60);
  return prepareDataset({ ...raw, log }, "ml-latest-small (users 1-60)");
}

describe("no model sees what it is judged on", () => {
  it("detects a test interaction, a validation interaction while tuning and a future tag", async () => {
    const d = await bundledSlice();
    const split = leaveOneOutSplit(d.interactions);
    const clean = datasetForSplit(d, split, "before-cut");
    const text = clean.itemInfo.map((i) => i.text?.["tags"]);
    const withTest = concatUserItems(split.train, split.test);
    expect(leaksIn({ history: withTest, dataset: clean, seed: 1 }, split, text)).toEqual([
      expect.stringMatching(/test interactions/),
    ]);
    const withVal = concatUserItems(split.train, split.validation);
    expect(
      leaksIn({ history: withVal, validation: split.validation, dataset: clean, seed: 1 }, split, text),
    ).toEqual(["tuning history holds validation interactions"]);
    expect(leaksIn({ history: split.train, dataset: d, seed: 1 }, split, text)).toEqual([
      "item text holds tags from after the cut",
    ]);
    expect(
      leaksIn({ history: split.train, validation: split.validation, dataset: clean, seed: 1 }, split, text),
    ).toEqual([]);
  });

  it("holds for every registered model under the reference protocol", async () => {
    const d = await bundledSlice();
    const split = leaveOneOutSplit(d.interactions);
    // The dataset handed to fits, wrapped: reading the full interaction log (test included) is a leak.
    const reads: string[] = [];
    let current = "";
    const clean = new Proxy(datasetForSplit(d, split, "before-cut"), {
      get(target, key, receiver) {
        if (key === "interactions") reads.push(current);
        return Reflect.get(target, key, receiver);
      },
    });
    const text = withItemTags(d.itemInfo, d.tags!, { before: earliestHeldOut(split) }).map(
      (i) => i.text?.["tags"],
    );
    const registry = modelRegistry(config);
    const names = Object.keys(registry);
    expect(names).toEqual(
      expect.arrayContaining(["pop", "itemknn", "ease", "mf-als", "mf-bpr", "semantic", "tandem"]),
    );
    for (const name of names) {
      current = name;
      const seen: string[][] = [];
      const result = await runProtocol(watched(registry[name]!, split, text, seen), clean, split, {
        ks: [10],
        seed: 42,
      });
      expect(seen, name).toHaveLength(2); // the tuning fit and the test-time refit
      expect(seen.flat(), name).toEqual([]);
      expect(result.test.users, name).toBeGreaterThan(50);
    }
    expect(reads).toEqual([]);
  }, 600_000);
});
