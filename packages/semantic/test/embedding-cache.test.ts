import { spawn } from "node:child_process";
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArtifactError } from "@tandem/core";
import { afterEach, describe, expect, it } from "vitest";
import { CachedEncoder, EmbeddingCache, embedItems, textKey } from "../src/index.js";
import { vectorOf } from "./fixtures/cache-writer-vector.js";
import { BagOfWordsEncoder, CountingEncoder } from "./helpers.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "tandem-cache-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const items = Array.from({ length: 50 }, (_, i) => ({
  id: String(i),
  title: `Movie ${i}`,
  tags: i % 2 ? ["Drama"] : ["Sci-Fi", "Action"],
}));

describe("EmbeddingCache + CachedEncoder", () => {
  it("a second run over the same items, from a reopened disk cache, makes zero encoder calls", async () => {
    const dir = tempDir();
    const first = new CountingEncoder(new BagOfWordsEncoder());
    const run1 = await embedItems(
      new CachedEncoder(first, await EmbeddingCache.open(dir, first.id, first.dim)),
      items,
      { template: "{title}. {genres}", chunkSize: 16 },
    );
    expect(first.texts).toBe(50);

    const second = new CountingEncoder(new BagOfWordsEncoder());
    const cache = await EmbeddingCache.open(dir, second.id, second.dim);
    expect(cache.size).toBe(50);
    const run2 = await embedItems(new CachedEncoder(second, cache), items, {
      template: "{title}. {genres}",
      chunkSize: 16,
    });
    expect(second.calls).toBe(0);
    expect(Array.from(run2)).toEqual(Array.from(run1));
  });

  it("embeds only new or changed texts, each distinct text once", async () => {
    const inner = new CountingEncoder(new BagOfWordsEncoder());
    const cached = new CachedEncoder(inner, EmbeddingCache.inMemory(inner.id, inner.dim));
    await cached.embed(["a b", "c d"]);
    await cached.embed(["a b", "c d", "e f", "e f"]);
    expect(inner.texts).toBe(3);
    expect(cached.misses).toBe(3);
    expect(cached.hits).toBe(3);
  });

  it("keys by text content: the same vector comes back for the same text", async () => {
    const cache = EmbeddingCache.inMemory("x", 2);
    cache.set(textKey("hello"), Float32Array.of(1, 0));
    expect(cache.get(textKey("hello"))).toEqual(Float32Array.of(1, 0));
    expect(cache.get(textKey("hello "))).toBeUndefined();
  });

  it("keeps one file pair per encoder id", async () => {
    const dir = tempDir();
    const a = await EmbeddingCache.open(dir, "enc/a", 2);
    a.set(textKey("t"), Float32Array.of(1, 0));
    await a.flush();
    const b = await EmbeddingCache.open(dir, "enc/b", 2);
    expect(b.size).toBe(0);
    expect((await EmbeddingCache.open(dir, "enc/a", 2)).size).toBe(1);
  });

  it("drops a torn final row left by a crash mid-append", async () => {
    const dir = tempDir();
    const cache = await EmbeddingCache.open(dir, "enc", 4);
    cache.set(textKey("one"), Float32Array.of(1, 0, 0, 0));
    cache.set(textKey("two"), Float32Array.of(0, 1, 0, 0));
    await cache.flush();
    const [rows] = readdirSync(dir).filter((f) => f.endsWith(".rows"));
    truncateSync(join(dir, rows!), statSync(join(dir, rows!)).size - 3);
    const reopened = await EmbeddingCache.open(dir, "enc", 4);
    expect(reopened.size).toBe(1);
    expect(reopened.get(textKey("one"))).toEqual(Float32Array.of(1, 0, 0, 0));
  });

  it("stays aligned with several writer processes appending at once, and merges them on open", async () => {
    const dir = tempDir();
    const writers = 4;
    const fixture = join(import.meta.dirname, "fixtures", "cache-writer.ts");
    const root = join(import.meta.dirname, "..", "..", "..");
    const codes = await Promise.all(
      Array.from({ length: writers }, (_, w) => {
        const child = spawn(process.execPath, ["--import", "tsx", fixture, dir, String(w)], {
          cwd: root,
          stdio: ["ignore", "ignore", "inherit"],
        });
        return new Promise((r) => child.once("exit", r));
      }),
    );
    expect(codes).toEqual(new Array(writers).fill(0));
    const cache = await EmbeddingCache.open(dir, "shared", 8);
    // Each writer stored 300 texts of its own and the same 100 shared ones (see the fixture).
    expect(cache.size).toBe(writers * 300 + 100);
    for (const text of [...Array.from({ length: 100 }, (_, i) => `shared ${i}`), "w0 0", "w3 299", "w2 150"])
      expect(Array.from(cache.get(textKey(text))!)).toEqual(Array.from(vectorOf(text)));
    expect(readdirSync(dir).filter((f) => f.endsWith(".rows"))).toHaveLength(writers);
  }, 60_000);

  it("refuses a cache written for another dimension", async () => {
    const dir = tempDir();
    await EmbeddingCache.open(dir, "enc", 4);
    await expect(EmbeddingCache.open(dir, "enc", 8)).rejects.toThrow(ArtifactError);
    writeFileSync(join(dir, "enc.json"), "{not json");
    await expect(EmbeddingCache.open(dir, "enc", 4)).rejects.toThrow(ArtifactError);
    expect(readFileSync(join(dir, "enc.json"), "utf8")).toBe("{not json");
  });
});
