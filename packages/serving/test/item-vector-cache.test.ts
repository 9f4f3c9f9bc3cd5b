import { MemoryFeatureStore } from "@tandem/store";
import { describe, expect, it } from "vitest";
import { ItemVectorCache } from "../src/item-vector-cache.js";

const ITEMS = ["a", "b", "c", "d"];

async function store() {
  const s = new MemoryFeatureStore();
  await s.beginVersion("v1", { itemIds: ITEMS, columns: ["x"], itemKinds: { text: 256 } });
  await s.writeItemVectors(
    "v1",
    "text",
    ITEMS,
    Float32Array.from({ length: 4 * 256 }, (_, i) => i),
  );
  await s.publish("v1");
  const reads: string[][] = [];
  const at = s.getItemVectorsAt.bind(s);
  s.getItemVectorsAt = (version, kind, ids) => {
    reads.push([...ids]);
    return at(version, kind, ids);
  };
  return { s, reads };
}
const call = <T>(w: Promise<T>) => w;

describe("ItemVectorCache", () => {
  it("keeps the least recently used out once its byte budget is full", async () => {
    const { s, reads } = await store();
    // Room for two 1 KiB rows (plus overhead), not three.
    const cache = new ItemVectorCache(s, "v1", ITEMS, ["text"], 2 * 1024 + 400);
    await cache.get([0, 1], call);
    await cache.get([0], call); // touch a: b is now the oldest
    await cache.get([2], call);
    expect(cache.size).toBe(2);
    expect(cache.usedBytes).toBeLessThanOrEqual(2 * 1024 + 400);
    reads.length = 0;
    const rows = await cache.get([0, 2, 1], call);
    expect(reads).toEqual([["b"]]); // a and c were kept (FIFO would have dropped a)
    expect(rows[0]![0]![1]).toBe(1);
    expect(rows[2]![0]![0]).toBe(256);
  });

  it("prefetches the whole catalogue when it fits, and not when it does not", async () => {
    const { s, reads } = await store();
    const small = new ItemVectorCache(s, "v1", ITEMS, ["text"], 3 * 1024);
    expect(await small.prefetch(call, 256)).toBe(false);
    expect(reads).toEqual([]);
    const big = new ItemVectorCache(s, "v1", ITEMS, ["text"], 2 ** 20);
    expect(await big.prefetch(call, 256, 3)).toBe(true);
    expect(reads).toEqual([["a", "b", "c"], ["d"]]);
    reads.length = 0;
    await big.get([3, 0], call);
    expect(reads).toEqual([]);
  });
});
