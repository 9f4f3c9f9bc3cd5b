/**
 * Vector index benchmark: usearch HNSW (inner product) vs the exact flat index — build time, query
 * time, recall@10 against flat — on 3,706 vectors (an ML-1M-sized catalogue) and 100k vectors, dim 64.
 * Vectors have a spread of norms, as MF item factors do, so inner product is not cosine.
 */

import { loadavg } from "node:os";
import { Rng } from "../packages/core/src/index.js";
import { FlatIndex, loadFaiss, UsearchIndex } from "../packages/recall/src/index.js";
import { peakRssMiB, writeSection } from "./machine.js";

function vectors(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const scale = 0.5 + rng.next();
    for (let j = 0; j < dim; j++) out[i * dim + j] = rng.normal() * scale;
  }
  return out;
}

const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
};

const dim = 64;
const numQueries = 1000;
const rows: string[] = [];
for (const n of [3706, 100_000]) {
  process.stderr.write(`vector bench: n=${n}\n`);
  const data = vectors(n, dim, 1);
  const keys = Int32Array.from({ length: n }, (_, i) => i);
  const queries = vectors(numQueries, dim, 2);
  const flat = new FlatIndex(dim, n);
  const [, flatBuild] = time(() => flat.add(keys, data));
  const [exact, flatQuery] = time(() => flat.search(queries, 10));
  const hnsw = new UsearchIndex(dim);
  const [, annBuild] = time(() => hnsw.add(keys, data));
  const [approx, annQuery] = time(() => hnsw.search(queries, 10));
  let hit = 0;
  exact.forEach((h, q) => {
    const truth = new Set(h.keys);
    for (const k of approx[q]!.keys) if (truth.has(k)) hit++;
  });
  const recall = hit / (numQueries * 10);
  rows.push(
    `| ${n.toLocaleString("en-US")} | flat | ${flatBuild.toFixed(0)} | ${((flatQuery / numQueries) * 1000).toFixed(0)} | 1.000 |`,
    `| ${n.toLocaleString("en-US")} | usearch HNSW (M=16, ef=128) | ${annBuild.toFixed(0)} | ${((annQuery / numQueries) * 1000).toFixed(0)} | ${recall.toFixed(3)} |`,
  );
}
const faiss = (await loadFaiss()) ? "installed (not benchmarked here)" : "not installed: backend skipped";

writeSection(
  "vector",
  "Recall: vector indexes",
  `
Inner-product top-10 over random dim-${dim} vectors with norms spread 0.5-1.5×, ${numQueries} queries, one
query at a time through the \`VectorIndex\` interface (usearch searches with its own threads; flat is
single-threaded JS). Recall@10 is against the exact flat result. faiss-node: ${faiss}.

| vectors | backend | build (ms) | query (µs/query) | recall@10 vs flat |
|---:|---|---:|---:|---:|
${rows.join("\n")}

Load average during the run (other processes share these cores): ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ")} (1 / 5 / 15 min).
Peak RSS: ${peakRssMiB().toFixed(0)} MiB.
`,
);
