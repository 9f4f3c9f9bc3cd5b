import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArtifactError, Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import { FlatIndex, FlatScan, flatBackend, loadFaiss, UsearchIndex, usearchBackend } from "../src/index.js";
import { bruteForce, randomVectors, vectorConformance } from "./vector-conformance.js";

vectorConformance(flatBackend);
vectorConformance(usearchBackend);

// faiss-node is optional. Its suite runs only when it imports; otherwise this records that it was absent.
const faiss = await loadFaiss();
describe("faiss backend availability", () => {
  it("is detected only when faiss-node imports", async () => {
    let importable = true;
    try {
      const name = "faiss-node";
      await import(/* @vite-ignore */ name);
    } catch {
      importable = false;
    }
    expect(faiss !== null).toBe(importable);
  });
});
if (faiss) {
  const { availableBackends } = await import("../src/index.js");
  const faissBackend = (await availableBackends()).find((b) => b.name === "faiss");
  if (faissBackend) vectorConformance(faissBackend);
}

describe("ANN quality", () => {
  it("usearch recall@10 vs exact flat ≥ 0.9 on 5k vectors of dim 64", () => {
    const dim = 64;
    const n = 5000;
    const vectors = randomVectors(n, dim, 11);
    const keys = Int32Array.from({ length: n }, (_, i) => i);
    const flat = new FlatIndex(dim);
    flat.add(keys, vectors);
    const ann = new UsearchIndex(dim);
    ann.add(keys, vectors);
    const queries = randomVectors(200, dim, 12);
    const exact = flat.search(queries, 10);
    const approx = ann.search(queries, 10);
    let hit = 0;
    exact.forEach((h, q) => {
      const truth = new Set(h.keys);
      for (const key of approx[q]!.keys) if (truth.has(key)) hit++;
    });
    expect(hit / 2000).toBeGreaterThanOrEqual(0.9);
    // The flat index itself agrees with brute force.
    expect(Array.from(exact[0]!.keys)).toEqual(
      bruteForce(vectors, dim, queries.subarray(0, dim), 10).map((t) => t[1]),
    );
  });
});

describe("usearch with f16 storage", () => {
  it("keeps recall@10 ≥ 0.9 with scores near the true inner products, and keeps f16 through save/load", () => {
    const dim = 64;
    const n = 5000;
    const vectors = randomVectors(n, dim, 21);
    const keys = Int32Array.from({ length: n }, (_, i) => i);
    const f16 = usearchBackend.create(dim, { quantization: "f16" });
    f16.add(keys, vectors);
    const queries = randomVectors(100, dim, 22);
    const hits = f16.search(queries, 10);
    let found = 0;
    let worst = 0;
    hits.forEach((h, q) => {
      const query = queries.subarray(q * dim, (q + 1) * dim);
      const truth = new Set(bruteForce(vectors, dim, query, 10).map((t) => t[1]));
      h.keys.forEach((key, r) => {
        if (truth.has(key)) found++;
        let s = 0;
        for (let j = 0; j < dim; j++) s += vectors[key * dim + j]! * query[j]!;
        worst = Math.max(worst, Math.abs(h.scores[r]! - s) / Math.max(1, Math.abs(s)));
      });
    });
    expect(found / 1000).toBeGreaterThanOrEqual(0.9);
    expect(worst).toBeLessThan(0.01);
    const path = join(mkdtempSync(join(tmpdir(), "tandem-vec-f16-")), "index.bin");
    f16.save(path);
    expect(JSON.parse(readFileSync(`${path}.json`, "utf8")).quantization).toBe("f16");
    const loaded = UsearchIndex.load(path);
    expect(Array.from(loaded.search(queries, 10)[3]!.keys)).toEqual(Array.from(hits[3]!.keys));
  });
});

describe("corrupt vector index files", () => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-vec-bad-"));
  it("flat: truncated file and bad magic are ArtifactErrors", () => {
    const index = new FlatIndex(4);
    index.add([1, 2, 3], new Float32Array(12).fill(0.5));
    const path = join(dir, "flat.bin");
    index.save(path);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    expect(() => FlatIndex.load(path)).toThrow(ArtifactError);
    expect(() => FlatIndex.load(path)).toThrow(/expected 76 bytes/);
    const bad = Buffer.from(bytes);
    bad.writeInt32LE(123, 0);
    writeFileSync(path, bad);
    expect(() => FlatIndex.load(path)).toThrow(/not a Tandem flat index/);
  });
  it("usearch: bad sidecar JSON and a truncated index are ArtifactErrors", () => {
    const index = new UsearchIndex(4);
    index.add([1, 2, 3], randomVectors(3, 4, 3));
    const path = join(dir, "hnsw.usearch");
    index.save(path);
    writeFileSync(`${path}.json`, "{not json");
    expect(() => UsearchIndex.load(path)).toThrow(ArtifactError);
    index.save(path);
    writeFileSync(path, Buffer.from("garbage"));
    expect(() => UsearchIndex.load(path)).toThrow(ArtifactError);
  });
});

describe("FlatIndex query blocks", () => {
  it("scores a batch of queries (across block boundaries) exactly as each query alone", () => {
    const dim = 13;
    const n = 50;
    const rand = (i: number) => Math.sin(i * 12.9898) * 0.5;
    const index = new FlatIndex(dim);
    index.add(
      Int32Array.from({ length: n }, (_, i) => i),
      Float32Array.from({ length: n * dim }, (_, i) => rand(i)),
    );
    const queries = Float32Array.from({ length: 7 * dim }, (_, i) => rand(i + 999));
    const exclude = Array.from({ length: 7 }, (_, q) => new Set([q, q + 1]));
    const batched = index.search(queries, 5, { exclude });
    for (let q = 0; q < 7; q++) {
      const alone = index.search(queries.subarray(q * dim, (q + 1) * dim), 5, { exclude: exclude[q]! })[0]!;
      expect([...batched[q]!.keys]).toEqual([...alone.keys]);
      expect([...batched[q]!.scores]).toEqual([...alone.scores]);
    }
  });
});

/** The JavaScript scan FlatIndex used before its WebAssembly kernel: the records it wrote must not change. */
function fourSumDot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += a[ao + j]! * b[bo + j]!;
    s1 += a[ao + j + 1]! * b[bo + j + 1]!;
    s2 += a[ao + j + 2]! * b[bo + j + 2]!;
    s3 += a[ao + j + 3]! * b[bo + j + 3]!;
  }
  for (; j < n; j++) s0 += a[ao + j]! * b[bo + j]!;
  return s0 + s1 + s2 + s3;
}

describe("FlatScan (WebAssembly)", () => {
  it("scores every row bit-for-bit as the JavaScript four-sum dot product, at any dimension", () => {
    const rng = new Rng(11);
    for (const dim of [1, 3, 4, 13, 64, 65, 512]) {
      const n = 257;
      const data = Float32Array.from({ length: n * dim }, () => rng.next() * 2 - 1);
      const queries = Float32Array.from({ length: 2 * dim }, () => (rng.next() * 2 - 1) * 3);
      const scan = FlatScan.of(data, n, dim);
      for (let q = 0; q < 2; q++) {
        const got = scan.run(queries, q * dim);
        const want = Float32Array.from({ length: n }, (_, r) =>
          fourSumDot(queries, q * dim, data, r * dim, dim),
        );
        expect([...got]).toEqual([...want]);
      }
    }
  });

  it("scores four queries in one pass exactly as four single scans, repeated queries included", () => {
    const rng = new Rng(12);
    for (const dim of [1, 3, 4, 13, 65, 512]) {
      const n = 131;
      const data = Float32Array.from({ length: n * dim }, () => rng.next() * 2 - 1);
      const queries = Float32Array.from({ length: 3 * dim }, () => (rng.next() * 2 - 1) * 3);
      const scan = FlatScan.of(data, n, dim);
      const offsets = [2 * dim, 0, dim, 2 * dim];
      const four = scan.run4(queries, offsets).slice();
      offsets.forEach((from, i) => {
        const want = Float32Array.from({ length: n }, (_, r) =>
          fourSumDot(queries, from, data, r * dim, dim),
        );
        expect(Array.from({ length: n }, (_, r) => four[4 * r + i])).toEqual([...want]);
      });
    }
  });
});
