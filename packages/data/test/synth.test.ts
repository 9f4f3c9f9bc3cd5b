import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError, Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import {
  buildCatalogue,
  itemText,
  loadDataset,
  NAMED_SHAPES,
  parseShape,
  THEMES,
  userActivity,
  writeSynthetic,
} from "../src/index.js";

const shape = parseShape("400x600x16000");
const seed = 11;

async function generate(s = seed) {
  const out = mkdtempSync(join(tmpdir(), "tandem-synth-"));
  const summary = await writeSynthetic({ shape, out, seed: s });
  return { out, summary };
}

describe("tandem synth", () => {
  it("writes exactly the requested distinct interactions, readable by the generic reader", async () => {
    const { out, summary } = await generate();
    expect(summary.interactions).toBe(16_000);
    const data = await loadDataset(out, { minUserInteractions: 0, minItemInteractions: 0 });
    expect(data.users.size).toBe(400);
    expect(data.interactions.items.length).toBe(16_000);
    expect(data.catalogue.size).toBe(600);
    const pairs = new Set<number>();
    const ui = data.interactions;
    for (let u = 0; u < ui.numUsers; u++) {
      expect(ui.indptr[u + 1]! - ui.indptr[u]!).toBeGreaterThanOrEqual(summary.minPerUser);
      for (let p = ui.indptr[u]!; p < ui.indptr[u + 1]!; p++) pairs.add(u * 1000 + ui.items[p]!);
    }
    expect(pairs.size).toBe(16_000);
  });

  it("is reproducible from its seed and changes with it", async () => {
    const a = await generate();
    const b = await generate();
    const c = await generate(seed + 1);
    const file = (d: string) => readFileSync(join(d, "interactions.csv"), "utf8");
    expect(file(a.out)).toBe(file(b.out));
    expect(file(a.out)).not.toBe(file(c.out));
  });

  it("matches the ML-1M activity profile: min 20, median near 96, exact total", () => {
    const counts = userActivity(NAMED_SHAPES["ml-1m"]!, new Rng(1));
    const sorted = Int32Array.from(counts).sort();
    expect(counts.reduce((s, n) => s + n, 0)).toBe(1_000_209);
    expect(sorted[0]).toBeGreaterThanOrEqual(20);
    expect(sorted[0]).toBeLessThan(30);
    expect(Math.abs(sorted[3020]! - 96)).toBeLessThan(12);
  });

  it("has Zipf popularity, sequels followed more often than chance and topic-coherent sessions", async () => {
    const { out } = await generate();
    const cat = buildCatalogue(shape.items, seed);
    const lines = readFileSync(join(out, "interactions.csv"), "utf8").trim().split("\n").slice(1);
    const rows = lines.map((l) => l.split(",").map(Number) as [number, number, number, number]);
    const perItem = new Int32Array(shape.items);
    for (const [, item] of rows) perItem[item - 1]!++;
    const top = Int32Array.from(perItem).sort().reverse();
    const topShare = top.slice(0, shape.items / 10).reduce((s, n) => s + n, 0) / rows.length;
    expect(topShare).toBeGreaterThan(0.25); // uniform popularity would give 0.10
    let sequel = 0;
    let sameTopic = 0;
    let pairs = 0;
    for (let r = 1; r < rows.length; r++) {
      if (rows[r]![0] !== rows[r - 1]![0]) continue;
      const prev = rows[r - 1]![1] - 1;
      const next = rows[r]![1] - 1;
      pairs++;
      if (cat.successor[prev] === next) sequel++;
      if (cat.topicOf[prev] === cat.topicOf[next]) sameTopic++;
    }
    expect(sequel / pairs).toBeGreaterThan(0.1); // chance: about 1 / 600
    expect(sameTopic / pairs).toBeGreaterThan(3 / cat.byTopic.length);
  });

  it("gives items of one topic more shared words than items of different topics", () => {
    const cat = buildCatalogue(shape.items, seed);
    const themeWords = new Set(THEMES.flat());
    const words = (i: number) => {
      const t = itemText(cat, i, seed);
      const all = `${t.title} ${t.tags.join(" ")} ${t.description}`.toLowerCase().match(/[a-z]+/g) ?? [];
      return new Set(all.filter((w) => themeWords.has(w)));
    };
    const overlap = (a: Set<string>, b: Set<string>) => [...a].filter((w) => b.has(w)).length;
    let same = 0;
    let sameN = 0;
    let diff = 0;
    let diffN = 0;
    for (let i = 0; i < 300; i++) {
      for (let j = i + 1; j < 300; j += 7) {
        const o = overlap(words(i), words(j));
        if (cat.topicOf[i] === cat.topicOf[j]) {
          same += o;
          sameN++;
        } else {
          diff += o;
          diffN++;
        }
      }
    }
    expect(same / sameN).toBeGreaterThan(2 * (diff / diffN));
  });

  it("rejects malformed or impossible shapes with a typed error", () => {
    expect(() => parseShape("10x20")).toThrow(InvalidArgumentError);
    expect(() => parseShape("ml-2m")).toThrow(/ml-1m, ml-10m, ml-25m/);
    expect(() => userActivity(parseShape("10x20x500"), new Rng(1))).toThrow(InvalidArgumentError);
    expect(parseShape("1_000x50x20_000")).toMatchObject({ users: 1000, items: 50, interactions: 20_000 });
  });
});
