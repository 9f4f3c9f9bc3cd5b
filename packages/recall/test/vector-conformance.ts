import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "@tandem/core";
import { afterAll, describe, expect, it } from "vitest";
import type { VectorBackend } from "../src/index.js";

/** Row-major random vectors with a popularity-like spread of norms, so inner product ≠ cosine. */
export function randomVectors(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const scale = 0.5 + rng.next();
    for (let j = 0; j < dim; j++) out[i * dim + j] = rng.normal() * scale;
  }
  return out;
}

/** Brute-force top-k keys by inner product (ties to the lower key). */
export function bruteForce(
  vectors: Float32Array,
  dim: number,
  query: Float32Array,
  k: number,
  skip = new Set<number>(),
) {
  const n = vectors.length / dim;
  const scored: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if (skip.has(i)) continue;
    let s = 0;
    for (let j = 0; j < dim; j++) s += vectors[i * dim + j]! * query[j]!;
    scored.push([s, i]);
  }
  scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return scored.slice(0, k);
}

const overlap = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  const set = new Set(Array.from(b));
  return Array.from(a).filter((x) => set.has(x)).length;
};

/** One suite every backend must pass. Approximate backends are held to recall@10 ≥ 0.9 against brute force. */
export function vectorConformance(backend: VectorBackend): void {
  describe(`VectorIndex conformance: ${backend.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), `tandem-vec-${backend.name}-`));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const dim = 16;
    const n = 2000;
    const vectors = randomVectors(n, dim, 1);
    const keys = Int32Array.from({ length: n }, (_, i) => i);
    const queries = randomVectors(50, dim, 2);
    const minRecall = backend.exact ? 1 : 0.9;

    it("returns the top-K by inner product with inner-product scores", () => {
      const index = backend.create(dim);
      index.add(keys, vectors);
      expect(index.size).toBe(n);
      expect(index.dim).toBe(dim);
      const hits = index.search(queries, 10);
      expect(hits).toHaveLength(50);
      let found = 0;
      hits.forEach((h, q) => {
        const truth = bruteForce(vectors, dim, queries.subarray(q * dim, (q + 1) * dim), 10);
        expect(h.keys).toHaveLength(10);
        found += overlap(
          h.keys,
          truth.map((t) => t[1]),
        );
        // The score of each returned key is its real inner product, best first.
        for (let r = 0; r < h.keys.length; r++) {
          const key = h.keys[r]!;
          let s = 0;
          for (let j = 0; j < dim; j++) s += vectors[key * dim + j]! * queries[q * dim + j]!;
          expect(h.scores[r]).toBeCloseTo(s, 3);
          if (r > 0) expect(h.scores[r]!).toBeLessThanOrEqual(h.scores[r - 1]! + 1e-5);
        }
      });
      expect(found / (50 * 10)).toBeGreaterThanOrEqual(minRecall);
    });

    it("excludes keys per query (seen items) and still returns k hits", () => {
      const index = backend.create(dim);
      index.add(keys, vectors);
      const q0 = queries.subarray(0, 2 * dim);
      const first = index.search(q0, 20);
      const skipA = new Set(Array.from(first[0]!.keys.subarray(0, 10)));
      const hits = index.search(q0, 10, { exclude: [skipA, undefined] });
      for (const key of hits[0]!.keys) expect(skipA.has(key)).toBe(false);
      expect(hits[0]!.keys).toHaveLength(10);
      const truth = bruteForce(vectors, dim, q0.subarray(0, dim), 10, skipA).map((t) => t[1]);
      expect(overlap(hits[0]!.keys, truth)).toBeGreaterThanOrEqual(Math.floor(10 * minRecall));
      // The second query had no exclusion: its best hit is the unfiltered best.
      expect(hits[1]!.keys[0]).toBe(first[1]!.keys[0]);
      // A single set applies to every query.
      const shared = index.search(q0, 5, { exclude: skipA });
      for (const h of shared) for (const key of h.keys) expect(skipA.has(key)).toBe(false);
    });

    it("answers with k hits when the exclusions far outnumber k (a long history)", () => {
      const index = backend.create(dim);
      index.add(keys, vectors);
      const q = queries.subarray(0, dim);
      const rng = new Rng(5);
      // Half the catalogue excluded: scattered keys (the nearest few still mostly allowed), then also the
      // 300 nearest (every one of the nearest excluded), the two cases a long history gives.
      const scattered = new Set<number>();
      while (scattered.size < 1000) scattered.add(Math.floor(rng.next() * n));
      const nearest = new Set([...scattered, ...index.search(q, 300)[0]!.keys]);
      for (const skip of [scattered, nearest]) {
        const hits = index.search(q, 10, { exclude: skip })[0]!;
        expect(hits.keys).toHaveLength(10);
        for (const key of hits.keys) expect(skip.has(key)).toBe(false);
        const truth = bruteForce(vectors, dim, q, 10, skip).map((t) => t[1]);
        expect(overlap(hits.keys, truth)).toBeGreaterThanOrEqual(Math.floor(10 * minRecall));
      }
    });

    it("adds, replaces and removes keys", () => {
      const index = backend.create(dim);
      index.add(keys.subarray(0, 100), vectors.subarray(0, 100 * dim));
      const q = vectors.slice(7 * dim, 8 * dim);
      expect(index.search(q, 1)[0]!.keys[0]).toBe(
        bruteForce(vectors.subarray(0, 100 * dim), dim, q, 1)[0]![1],
      );
      expect(index.remove([7, 8, 9999])).toBe(2);
      expect(index.size).toBe(98);
      expect(index.has(7)).toBe(false);
      expect(index.has(6)).toBe(true);
      const after = index.search(q, 98);
      expect(Array.from(after[0]!.keys)).not.toContain(7);
      expect(Array.from(after[0]!.keys)).not.toContain(8);
      // Re-adding a key replaces its vector: key 3 now points exactly along a huge query direction.
      const big = new Float32Array(dim).fill(0);
      big[0] = 100;
      index.add([3], big);
      expect(index.size).toBe(98);
      const hit = index.search(big, 1)[0]!;
      expect(hit.keys[0]).toBe(3);
      expect(hit.scores[0]).toBeCloseTo(10000, 0);
    });

    it("round-trips through save/load", () => {
      const index = backend.create(dim);
      index.add(keys, vectors);
      index.remove([0, 1, 2]);
      const path = join(dir, "index.bin");
      index.save(path);
      const loaded = backend.load(path);
      expect(loaded.size).toBe(n - 3);
      expect(loaded.dim).toBe(dim);
      const a = index.search(queries, 10);
      const b = loaded.search(queries, 10);
      let same = 0;
      a.forEach((h, q) => {
        same += overlap(h.keys, b[q]!.keys);
      });
      expect(same / 500).toBeGreaterThanOrEqual(backend.exact ? 1 : 0.95);
      expect(loaded.has(0)).toBe(false);
    });

    it("rejects malformed input with typed errors", () => {
      const index = backend.create(dim);
      expect(() => index.add([1, 2], new Float32Array(dim))).toThrow(/expected 2 × 16/);
      expect(() => index.add([-1], new Float32Array(dim))).toThrow(/integers/);
      expect(() => index.search(new Float32Array(dim + 1), 3)).toThrow(/multiple of dim/);
    });
  });
}
