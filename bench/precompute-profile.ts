// Profile of one single-thread precompute at the ML-1M shape (bench/results/precompute-profile.md): a CPU
// profile of writeTandemVersion only (fit excluded, after a warm-up pass) and a per-part timing. Needs the
// data and embedding cache `pnpm bench precompute` leaves in scratch/.
// Usage: node --import tsx bench/precompute-profile.ts <auto|usearch> <users> <out.cpuprofile>
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { userItemsOf } from "../packages/data/src/index.js";
import { topK } from "../packages/eval/src/index.js";
import { writeTandemVersion } from "../packages/nightly/src/index.js";
import { candidateRecord } from "../packages/nightly/src/record-batch.js";
import { mergeCandidates } from "../packages/recall/src/index.js";
import { buildCandidates, FusionScorer, userVectors } from "../packages/rerank/src/index.js";
import { MemoryFeatureStore } from "../packages/store/src/index.js";
import { benchStages } from "./precompute-setup.js";

const [ann = "auto", usersArg = "2000", out = "scratch/precompute.cpuprofile"] = process.argv.slice(2);
const { dataset, stage, fusion } = await benchStages(ann as "auto");
const cap = Number(usersArg);
const ids = dataset.users.ids();
const exclude = new Set(ids.slice(cap));

// Warm-up (JIT, the text memo) on the same users, then the profiled run.
await writeTandemVersion(new MemoryFeatureStore(), "warm", dataset, stage, fusion, { exclude, threads: 1 });
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 200 });
await session.post("Profiler.start");
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await writeTandemVersion(new MemoryFeatureStore(), "prof", dataset, stage, fusion, { exclude, threads: 1 });
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const { profile } = await session.post("Profiler.stop");
writeFileSync(out, JSON.stringify(profile));
console.log(
  `writeTandemVersion ${cap} users: ${(wall / cap).toFixed(2)} wall ms/user, ${((cpu.user + cpu.system) / 1000 / cap).toFixed(2)} CPU ms/user`,
);

// Manual breakdown over the same users, each part timed on its own (second pass: memo warm).
const scorer = new FusionScorer(fusion);
const parts: Record<string, number> = {};
const add = (k: string, ms: number) => {
  parts[k] = (parts[k] ?? 0) + ms;
};
const recall = stage.recall as unknown as {
  sources: { name: string; propose: (...a: unknown[]) => { items: Int32Array; scores: Float32Array } }[];
  quotas: Record<string, number>;
};
for (let u = 0; u < cap; u++) {
  const history = userItemsOf(stage.history, u);
  let t = performance.now();
  const ex = new Set(history);
  add("exclude set", performance.now() - t);
  const lists = recall.sources.map((s) => {
    t = performance.now();
    const quota = recall.quotas[s.name]!;
    const proposals = s.propose(u, history, quota, ex);
    add(`source ${s.name}`, performance.now() - t);
    return { name: s.name as "mf", quota, proposals };
  });
  t = performance.now();
  mergeCandidates(lists);
  add("merge", performance.now() - t);
  t = performance.now();
  userVectors(stage, u, history);
  add("user vectors", performance.now() - t);
  t = performance.now();
  const built = buildCandidates(stage, u, history);
  add("buildCandidates (recall+vectors+rows)", performance.now() - t);
  t = performance.now();
  const scores = scorer.score(built.features);
  add("fusion score", performance.now() - t);
  t = performance.now();
  topK(scores, 200);
  add("topK 200", performance.now() - t);
  t = performance.now();
  candidateRecord(stage, scorer, u, history, 200);
  add("candidateRecord (all)", performance.now() - t);
}
for (const [k, ms] of Object.entries(parts)) console.log(`${k.padEnd(40)} ${(ms / cap).toFixed(3)} ms/user`);
process.exit(0);
