import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  datasetForSplit,
  earliestHeldOut,
  leaveOneOutSplit,
  loadDataset,
  parseTieOrder,
  prepareDataset,
  userItemsOf,
  withItemTags,
} from "../src/index.js";
import { filterLog } from "../src/interaction-log.js";
import { movieLensLatestReader } from "../src/readers/movielens-latest.js";
import { toyMatrix } from "./toy.js";

const ml = join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small");

describe("leave-one-out tie order", () => {
  // User 0's last three items share timestamp 5: items 3, 1, 2 (file order 0, 1, 2 below).
  const all = toyMatrix(1, 5, [
    [0, 0, 1],
    [0, 3, 5],
    [0, 1, 5],
    [0, 2, 5],
  ]);
  it("breaks same-timestamp ties by item id by default (the published protocol)", () => {
    const split = leaveOneOutSplit(all);
    expect([...userItemsOf(split.test, 0)]).toEqual([3]);
    expect([...userItemsOf(split.validation, 0)]).toEqual([2]);
    expect(split.protocol).toBe("loo");
  });

  it("can follow the file order or a seeded shuffle, changing only which tied item is held out", () => {
    // CSR order is (time, item): 0, 1, 2, 3; say the file listed them 0, 3, 1, 2 → ranks [0, 2, 3, 1].
    const fileOrder = Int32Array.from([0, 2, 3, 1]);
    const byFile = leaveOneOutSplit(all, { tieOrder: "file", fileOrder });
    expect([...userItemsOf(byFile.test, 0)]).toEqual([2]);
    expect([...userItemsOf(byFile.validation, 0)]).toEqual([1]);
    expect([...userItemsOf(byFile.train, 0)]).toEqual([0, 3]);
    const tests = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      const r = leaveOneOutSplit(all, { tieOrder: { random: seed } });
      expect(r).toEqual(leaveOneOutSplit(all, { tieOrder: { random: seed } }));
      tests.add(userItemsOf(r.test, 0)[0]!);
    }
    // Item 0 (the only earlier event) is never held out; every tied item sometimes is.
    expect([...tests].sort()).toEqual([1, 2, 3]);
    expect(() => leaveOneOutSplit(all, { tieOrder: "file" })).toThrow(/fileOrder/);
  });

  it("parses the flag values and rejects others", () => {
    expect(parseTieOrder("item-id")).toBe("item-id");
    expect(parseTieOrder("random:7")).toEqual({ random: 7 });
    expect(() => parseTieOrder("time")).toThrow(/item-id, file or random/);
  });

  it("file order is the row order of ratings.csv", async () => {
    const d = await loadDataset(ml);
    // Ratings are listed per user in item-id order in ml-latest-small, so file = item-id order per user…
    const loo = leaveOneOutSplit(d.interactions);
    const file = leaveOneOutSplit(d.interactions, { tieOrder: "file", fileOrder: d.fileOrder });
    expect(file.test).toEqual(loo.test);
    // …while a random tie order moves some held-out items (ties are common: bulk rating sessions).
    const random = leaveOneOutSplit(d.interactions, { tieOrder: { random: 1 } });
    let moved = 0;
    for (let u = 0; u < d.users.size; u++)
      if (userItemsOf(random.test, u)[0] !== userItemsOf(loo.test, u)[0]) moved++;
    expect(moved).toBeGreaterThan(50);
  });
});

describe("time-correct item tags", () => {
  it("keeps only tags written before the cut, or none, and drops erased users' tags", async () => {
    const raw = await movieLensLatestReader.read(ml);
    const d = prepareDataset(raw, "ml");
    const tagged = d.itemInfo.filter((i) => i.text?.["tags"]).length;
    expect(tagged).toBeGreaterThan(1000);
    const cut = 1_300_000_000; // 2011
    const before = withItemTags(d.itemInfo, d.tags!, { before: cut });
    const allowed = new Set(d.tags!.filter((t) => t.timestamp < cut).map((t) => `${t.item}\u0000${t.tag}`));
    for (const item of before)
      for (const tag of item.text?.["tags"]?.split(", ") ?? [])
        expect(allowed.has(`${item.id}\u0000${tag}`)).toBe(true);
    expect(before.filter((i) => i.text?.["tags"]).length).toBeLessThan(tagged);
    expect(withItemTags(d.itemInfo, d.tags!, "none").some((i) => i.text?.["tags"])).toBe(false);
    // Titles and genres are untouched.
    expect(before.map((i) => [i.title, i.tags])).toEqual(d.itemInfo.map((i) => [i.title, i.tags]));

    // The leave-one-out split's earliest held-out event predates every tag: evaluation text has none.
    const split = leaveOneOutSplit(d.interactions);
    expect(earliestHeldOut(split)).toBeLessThan(Math.min(...d.tags!.map((t) => t.timestamp)));
    expect(datasetForSplit(d, split, "before-cut").itemInfo.some((i) => i.text?.["tags"])).toBe(false);
    expect(datasetForSplit(d, split, "all")).toBe(d);

    // Erasing the most prolific tagger (their rows removed before preparation) removes their tags.
    const counts = new Map<string, number>();
    for (const t of raw.tags!) counts.set(t.user, (counts.get(t.user) ?? 0) + 1);
    const victim = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const log = filterLog(raw.log, (i) => raw.log.users.id(raw.log.user[i]!) !== victim);
    const erased = prepareDataset({ ...raw, log }, "ml");
    expect(erased.tags!.some((t) => t.user === victim)).toBe(false);
    const victimTags = raw.tags!.filter((t) => t.user === victim);
    const only = victimTags.find((t) =>
      raw.tags!.every(
        (o) => o.user === victim || o.item !== t.item || o.tag.toLowerCase() !== t.tag.toLowerCase(),
      ),
    )!;
    const item = erased.itemInfo.find((i) => i.id === only.item);
    expect(item?.text?.["tags"]?.split(", ") ?? []).not.toContain(only.tag);
    // With nobody erased, item text is exactly what the reader built from every tag (embedding caches stay valid).
    expect(d.itemInfo.map((i) => i.text?.["tags"])).toEqual(
      d.items.ids().map((id) => raw.items.get(id)!.text?.["tags"]),
    );
  });
});
