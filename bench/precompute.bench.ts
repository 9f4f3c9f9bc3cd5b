import { existsSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { markdownTable } from "../packages/core/src/index.js";
import { loadDataset, parseShape, writeSynthetic } from "../packages/data/src/index.js";
import { writeTandemVersion } from "../packages/nightly/src/index.js";
import { fitStages } from "../packages/rerank/src/index.js";
import { createCachedEncoder } from "../packages/semantic/src/index.js";
import { MemoryFeatureStore, type UserRecord } from "../packages/store/src/index.js";
import { initTf } from "../packages/tf/src/index.js";
import { eachShapeInOwnProcess, peakRssMiB, writeSection } from "./machine.js";
import { benchConfig, fixedFusion } from "./precompute-setup.js";

interface RunRow {
  threads: number;
  users: number;
  seconds: number;
  /** Process CPU time (every thread) over the run. */
  cpuSeconds: number;
  load: number;
}

interface ShapeResult {
  shape: string;
  users: number;
  items: number;
  interactions: number;
  textBackend: string;
  mfBackend: string;
  fitSeconds: number;
  runs: RunRow[];
  identical: boolean;
  peakRssMiB: number;
}

const root = join(import.meta.dirname, "..");
const log = (s: string) => process.stderr.write(`precompute bench: ${s}\n`);

async function measure(run: string, out: string): Promise<void> {
  const [name, ann = "auto"] = run.split(":") as [string, "auto" | "usearch" | "flat"];
  const dir = join(root, "scratch", "bench-data", name);
  if (!existsSync(join(dir, "synth.json")))
    await writeSynthetic({ shape: parseShape(name), out: dir, seed: 1 });
  // TANDEM_BENCH_CACHE: another embedding cache (e.g. the one a nightly on a `tandem synth` ML-25M left).
  const cache = process.env["TANDEM_BENCH_CACHE"];
  const config = benchConfig(dir, ann, cache && join(process.cwd(), cache));
  await initTf({ log: false });
  const dataset = await loadDataset(dir, config.data);
  const encoder = await createCachedEncoder(config.semantic);
  const fitStarted = performance.now();
  const stage = await fitStages(
    dataset.interactions,
    { config, dataset, seed: 1, encoder: async () => encoder, progress: true },
    { epochs: 3 },
  );
  const fitSeconds = (performance.now() - fitStarted) / 1000;
  log(`${name}: stages fitted in ${fitSeconds.toFixed(1)} s`);
  const cap = Number(process.env["TANDEM_BENCH_USERS"] ?? 0);
  const ids = dataset.users.ids();
  const exclude = new Set(cap > 0 ? ids.slice(cap) : []);
  const fusion = fixedFusion();
  const runs: RunRow[] = [];
  const lists: Map<string, string>[] = [];
  const threadCounts = (process.env["TANDEM_BENCH_THREADS"] ?? `1,${availableParallelism()}`).split(",");
  for (const threads of threadCounts.map(Number)) {
    // The check the test makes on ml-latest-small, on a sample: the same lists at every thread count.
    const got = new Map<string, string>();
    const store = new (class extends MemoryFeatureStore {
      override async writeUsers(version: string, records: readonly UserRecord[]): Promise<void> {
        for (const r of records)
          if (dataset.users.find(r.userId)! % 97 === 0) got.set(r.userId, r.candidates!.items.join());
        return super.writeUsers(version, records);
      }
    })();
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const written = await writeTandemVersion(store, "bench", dataset, stage, fusion, {
      keep: config.nightly.keepCandidates,
      batch: config.nightly.precomputeBatch,
      exclude,
      threads,
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    runs.push({ threads, users: written.users, seconds, cpuSeconds, load: loadavg()[0]! });
    log(
      `${threads} thread(s): ${written.users} users in ${seconds.toFixed(1)} s, load ${loadavg()[0]!.toFixed(2)}`,
    );
    lists.push(got);
  }
  const identical = lists.every(
    (l) => l.size === lists[0]!.size && [...l].every(([id, items]) => lists[0]!.get(id) === items),
  );
  const result: ShapeResult = {
    shape: run,
    users: dataset.users.size,
    items: dataset.items.size,
    interactions: dataset.interactions.items.length,
    textBackend: stage.textIndex.backend,
    mfBackend: stage.recall.parts().mfIndex.backend,
    fitSeconds,
    runs,
    identical,
    peakRssMiB: peakRssMiB(),
  };
  writeFileSync(out, JSON.stringify(result));
}

async function main(): Promise<void> {
  const shapes = (process.env["TANDEM_BENCH_SHAPES"] ?? "ml-1m:auto,ml-1m:usearch").split(",");
  const results = eachShapeInOwnProcess<ShapeResult>(import.meta.filename, "precompute", shapes);
  const rows = results.flatMap((r) => {
    const base = r.runs[0]!;
    return r.runs.map((run) => [
      r.shape,
      `${r.items.toLocaleString("en")} (text ${r.textBackend}, MF ${r.mfBackend})`,
      run.threads,
      run.users,
      run.seconds.toFixed(1),
      Math.round(run.users / run.seconds),
      (base.seconds / run.seconds).toFixed(2),
      ((1000 * run.cpuSeconds) / run.users).toFixed(1),
      (run.cpuSeconds / run.seconds).toFixed(2),
      run.load.toFixed(2),
      r.identical ? "yes" : "NO",
    ]);
  });
  writeSection(
    "precompute",
    "Candidate precompute: users/s on worker threads",
    `\`writeTandemVersion\` (every user's candidates, feature rows and fusion top-200, written in batches of 200)
at synthetic shapes (\`tandem synth\`, seed 1), once per thread count in the same process, so the speed-up is
a ratio under the same machine load. The in-memory store; stages from 3 ALS sweeps and the real USE-lite item
vectors (warm cache); a fixed linear fusion. "Same lists" compares every 97th user's stored list across thread
counts. CPU ms/user = the process's CPU time (all threads) per user; cores used = CPU time / wall time, what
the machine actually gave the run. Load = 1-minute load average when the run ended (the machine is shared
with other jobs: when it is saturated, a second thread cannot get a second core and the speed-up stays below 1).

${markdownTable(["Shape", "Items (indexes)", "Threads", "Users", "Seconds", "Users/s", "Speed-up", "CPU ms/user", "Cores used", "Load", "Same lists"], rows)}

Peak RSS per shape: ${results.map((r) => `${r.shape} ${r.peakRssMiB.toFixed(0)} MiB`).join(", ")}.`,
  );
}

const shapeArg = process.argv.indexOf("--shape");
if (shapeArg > 0) {
  await measure(process.argv[shapeArg + 1]!, process.argv[process.argv.indexOf("--out") + 1]!);
  process.exit(0); // the encoder's worker threads would keep the child alive
} else await main();
