/**
 * Sequential model (SASRec) training speed: seconds per epoch with the default `recall.seq` settings on
 * ml-latest-small (leave-one-out train) and on the synthetic ML-1M shape (`tandem synth --shape ml-1m`,
 * generated once into scratch/bench-data/). An epoch is `recall.seq.windows` (default `all`: every
 * transition of every user once, in windows of maxLen) with full softmax over the catalogue. CPU seconds
 * are printed beside wall seconds, and the load average: the machine is shared.
 */
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { loadConfig, Rng } from "../packages/core/src/index.js";
import { leaveOneOutSplit, loadDataset, parseShape, writeSynthetic } from "../packages/data/src/index.js";
import { SeqTrainer, sampleWindows } from "../packages/recall/src/index.js";
import { initTf } from "../packages/tf/src/index.js";
import { peakRssMiB, writeSection } from "./machine.js";

const config = loadConfig({}, {});
const c = config.recall.seq;
const root = join(import.meta.dirname, "..");
const epochs = Number(process.env["TANDEM_BENCH_SEQ_EPOCHS"] ?? 2);
await initTf({ log: false });

async function perEpoch(dir: string) {
  const data = await loadDataset(dir, config.data);
  const train = leaveOneOutSplit(data.interactions).train;
  const shape = { numItems: train.numItems, maxLen: c.maxLen, dim: c.dim, blocks: c.blocks, heads: c.heads };
  const windows = sampleWindows(train, c.maxLen, new Rng(1), c.windows).count;
  const trainer = new SeqTrainer(shape, train, c, 42);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  for (let e = 0; e < epochs; e++) trainer.epoch();
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - started) / 1000 / epochs;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6 / epochs;
  trainer.dispose();
  const load = loadavg()[0]!.toFixed(1);
  return { users: train.numUsers, items: train.numItems, windows, seconds, cpuSeconds, load };
}

const ml1m = join(root, "scratch", "bench-data", "ml-1m");
if (!existsSync(join(ml1m, "synth.json")))
  await writeSynthetic({ shape: parseShape("ml-1m"), out: ml1m, seed: 1 });
const rows = [
  ["ml-latest-small", await perEpoch(config.data.dir)],
  ["synthetic ML-1M shape", await perEpoch(ml1m)],
] as const;
writeSection(
  "seq",
  "Recall: sequential model (SASRec) training",
  `
Settings: recall.seq defaults (maxLen ${c.maxLen}, dim ${c.dim}, ${c.blocks} blocks, ${c.heads} head, batch ${c.batchSize},
windows ${c.windows}, full softmax), TF.js wasm backend, 1 thread; mean of ${epochs} epochs. Peak RSS ${peakRssMiB().toFixed(0)} MiB.

| Data | Users | Items | Windows per epoch | Seconds per epoch | CPU seconds per epoch | Load average (1 min) at the end |
|------|------:|------:|------------------:|------------------:|----------------------:|--------------------------------:|
${rows.map(([name, r]) => `| ${name} | ${r.users} | ${r.items} | ${r.windows} | ${r.seconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} | ${r.load} |`).join("\n")}
`,
);
