import { InvalidArgumentError } from "@tandem/core";
import { describe, expect, it } from "vitest";
import { buildProfiles, embedItems, TextRecallSource } from "../src/index.js";
import { BagOfWordsEncoder, isSpace, syntheticDataset } from "./helpers.js";

describe("TextRecallSource", () => {
  const dataset = syntheticDataset();
  const encoder = new BagOfWordsEncoder();
  const keys = Int32Array.from({ length: 40 }, (_, i) => i);

  const build = async (withKeys: Int32Array) => {
    const all = await embedItems(encoder, dataset.itemInfo, { template: "{title}. {genres}" });
    const vectors = new Float32Array(withKeys.length * encoder.dim);
    withKeys.forEach((k, r) => {
      vectors.set(all.subarray(k * encoder.dim, (k + 1) * encoder.dim), r * encoder.dim);
    });
    const profiles = buildProfiles(dataset.interactions, all, encoder.dim, 30);
    return { all, profiles, source: TextRecallSource.build(encoder.dim, withKeys, vectors, { profiles }) };
  };

  it("proposes items of the user's theme, best first, never an excluded one", async () => {
    const { source } = await build(keys);
    const h = dataset.interactions;
    const history = h.items.subarray(h.indptr[0]!, h.indptr[1]!);
    const exclude = new Set(history);
    const got = source.propose(0, history, 8, exclude);
    expect(got.items).toHaveLength(8);
    expect([...got.items].every((i) => isSpace(i) && !exclude.has(i))).toBe(true);
    for (let r = 1; r < got.scores.length; r++)
      expect(got.scores[r]!).toBeLessThanOrEqual(got.scores[r - 1]!);
  });

  it("recalls a brand-new item as soon as it is added, with no interactions", async () => {
    const warm = keys.filter((k) => k !== 10 && k !== 30);
    const { all, source } = await build(warm);
    const h = dataset.interactions;
    const history = h.items.subarray(h.indptr[0]!, h.indptr[1]!);
    // user 0 watched space items, not item 10; every other space item is excluded so 10 must win
    expect([...history]).not.toContain(10);
    const exclude = new Set([...history, ...warm.filter(isSpace)]);
    expect([...source.propose(0, history, 5, exclude).items]).not.toContain(10);
    source.addItems(
      Int32Array.of(10, 30),
      Float32Array.from([
        ...all.subarray(10 * encoder.dim, 11 * encoder.dim),
        ...all.subarray(30 * encoder.dim, 31 * encoder.dim),
      ]),
    );
    const after = source.propose(0, history, 5, exclude);
    expect(after.items[0]).toBe(10);
    source.removeItems([10]);
    expect([...source.propose(0, history, 5, exclude).items]).not.toContain(10);
  });

  it("serves a user without a stored profile from their history (user -1)", async () => {
    const { source } = await build(keys);
    const got = source.propose(-1, Int32Array.of(21, 22, 23), 5, new Set([21, 22, 23]));
    expect([...got.items].every((i) => !isSpace(i))).toBe(true);
    expect(source.propose(-1, new Int32Array(0), 5, new Set()).items).toHaveLength(0);
  });

  it("rejects a non-positive k", async () => {
    const { source } = await build(keys);
    expect(() => source.propose(0, Int32Array.of(1), 0, new Set())).toThrow(InvalidArgumentError);
  });
});
