// What the MF query's over-fetch buys (bench/results/precompute-profile.md): for the first N users, the
// usearch top-k (history excluded) at several fetch sizes against the exact flat top-k, and the time of one
// native search. The precompute asks for min(k + |history|, 2k) first; a smaller fetch is a cheaper beam.
// Usage: BENCH_PROFILE_DATA=<dir> BENCH_PROFILE_CACHE=<cache> node --import tsx bench/precompute-ann-fetch.ts [users]
import { userItemsOf } from "../packages/data/src/index.js";
import { biasedItemVectors } from "../packages/recall/src/mf/biased-item-vectors.js";
import { FlatIndex } from "../packages/recall/src/vector/flat-index.js";
import { UsearchIndex } from "../packages/recall/src/vector/usearch-index.js";
import { benchStages } from "./precompute-setup.js";

type Filtered = (
  query: Float32Array,
  fetch: number,
  k: number,
  skip: ReadonlySet<number>,
) => { keys: Int32Array; scores: Float32Array };

const users = Number(process.argv[2] ?? "1000");
const k = 100;
const { stage } = await benchStages("auto");
const mf = stage.mf;
const dim = mf.dim + 1;
const items = biasedItemVectors(mf);
const keys = Int32Array.from({ length: mf.numItems }, (_, i) => i);
const flat = new FlatIndex(dim, mf.numItems);
flat.add(keys, items);
const ann = new UsearchIndex(dim);
ann.add(keys, items);
// `filtered` is private: the one native search, called here with each fetch size.
const filtered = (ann as unknown as { filtered: Filtered }).filtered.bind(ann);
const queries = Array.from({ length: users }, (_, u) => {
  const q = new Float32Array(dim);
  q.set(mf.userVector(u));
  q[dim - 1] = 1;
  return { q, skip: new Set(userItemsOf(stage.history, u)) };
});
const exact = queries.map(({ q, skip }) => new Set(flat.search(q, k, { exclude: skip })[0]!.keys));
console.log(`MF ${dim}-d, ${mf.numItems} items, ${users} users, k ${k}: recall of the exact top-${k}`);
console.log("| fetch | recall@100 vs exact | ms per search |\n|---|---:|---:|");
for (const f of [1.0, 1.25, 1.5, 2.0, 3.0]) {
  let hit = 0;
  let n = 0;
  const t = performance.now();
  const found = queries.map(({ q, skip }) => filtered(q, Math.ceil(f * k), k, skip));
  const ms = (performance.now() - t) / users;
  found.forEach((h, u) => {
    for (const key of h.keys) if (exact[u]!.has(key)) hit++;
    n += exact[u]!.size;
  });
  console.log(`| ${f}k | ${(hit / n).toFixed(4)} | ${ms.toFixed(3)} |`);
}
