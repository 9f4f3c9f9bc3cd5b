// The native usearch searches one precompute makes per user, by index dimension and fetch size, and their
// time (bench/results/precompute-profile.md): the over-fetch policy's cost, measured rather than guessed.
// Single thread, after a warm-up pass over the same users (the recent-item memo is warm, as in a nightly).
// Usage: BENCH_PROFILE_DATA=<dir> BENCH_PROFILE_CACHE=<cache> node --import tsx bench/precompute-ann-calls.ts [users]

import { writeTandemVersion } from "../packages/nightly/src/index.js";
import { UsearchIndex } from "../packages/recall/src/vector/usearch-index.js";
import { MemoryFeatureStore } from "../packages/store/src/index.js";
import { benchStages } from "./precompute-setup.js";

const cap = Number(process.argv[2] ?? "1500");
const { dataset, stage, fusion } = await benchStages("auto");
const ids = dataset.users.ids();
const exclude = new Set(ids.slice(cap));
type Filtered = (this: UsearchIndex, query: Float32Array, fetch: number, k: number, skip: unknown) => unknown;
// `filtered` is private: the one native search call, wrapped here to count it.
const proto = UsearchIndex.prototype as unknown as { filtered: Filtered };
const orig = proto.filtered;
const stats = new Map<string, { n: number; ms: number }>();
let on = false;
proto.filtered = function (q, fetch, k, skip) {
  if (!on) return orig.call(this, q, fetch, k, skip);
  const t = performance.now();
  const r = orig.call(this, q, fetch, k, skip);
  const ms = performance.now() - t;
  const b =
    fetch <= 100 ? "≤100" : fetch <= 200 ? "≤200" : fetch <= 500 ? "≤500" : fetch <= 2000 ? "≤2000" : ">2000";
  const key = `dim ${this.dim} fetch ${b} k ${k}`;
  const s = stats.get(key) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += ms;
  stats.set(key, s);
  return r;
};
await writeTandemVersion(new MemoryFeatureStore(), "warm", dataset, stage, fusion, { exclude, threads: 1 });
on = true;
const t0 = performance.now();
await writeTandemVersion(new MemoryFeatureStore(), "prof", dataset, stage, fusion, { exclude, threads: 1 });
const wall = performance.now() - t0;
on = false;
console.log(`wall ${(wall / cap).toFixed(3)} ms/user`);
let tot = 0;
for (const [k, s] of [...stats].sort()) {
  tot += s.ms;
  console.log(
    `${k.padEnd(36)} calls/user ${(s.n / cap).toFixed(3)}  ms/call ${(s.ms / s.n).toFixed(3)}  ms/user ${(s.ms / cap).toFixed(3)}`,
  );
}
console.log(`total usearch ms/user ${(tot / cap).toFixed(3)}`);
