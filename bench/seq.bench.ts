/**
 * Sequential model (SASRec) training speed: seconds per epoch with the default `recall.seq` settings on
 * ml-latest-small (leave-one-out train) and on the synthetic ML-1M shape (`tandem synth --shape ml-1m`,
 * generated once into scratch/bench-data/). An epoch is `recall.seq.windows` (default `all`: every
 * transition of every user once, in windows of maxLen) with full softmax over the catalogue. CPU seconds
 * are printed beside wall seconds, and the load average: the machine is shared. Each dataset is timed with
 * recall.seq.text none and add; for `add` the item text is seeded random unit 512-d vectors (the cost of
 * the projection does not depend on the values, and ML-1M's synthetic items have no embedding cache).
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
// With TANDEM_BENCH_SEQ_BATCHES = n > 0, only the first n batches of one epoch run, scaled to a full epoch.
const batches = Number(process.env["TANDEM_BENCH_SEQ_BATCHES"] ?? 0);
await initTf({ log: false });

const TEXT_DIM = 512;

/** Seeded random unit rows: stand-ins for the item embeddings (timing only). */
function unitRows(n: number, dim: number): Float32Array {
  const rng = new Rng(7);
  const out = Float32Array.from({ length: n * dim }, () => rng.normal());
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * dim, (i + 1) * dim);
    const norm = Math.hypot(...row);
    for (let k = 0; k < dim; k++) row[k]! /= norm;
  }
  return out;
}

async function perEpoch(dir: string, text: "none" | "add") {
  const data = await loadDataset(dir, config.data);
  const train = leaveOneOutSplit(data.interactions).train;
  const shape = {
    numItems: train.numItems,
    maxLen: c.maxLen,
    dim: c.dim,
    blocks: c.blocks,
    heads: c.heads,
    ...(text === "add" && { textDim: TEXT_DIM }),
  };
  const windows = sampleWindows(train, c.maxLen, new Rng(1), c.windows).count;
  const itemText = text === "add" ? unitRows(train.numItems, TEXT_DIM) : undefined;
  const trainer = new SeqTrainer(shape, train, { ...c, text }, 42, itemText);
  // One untimed batch first: the first calls compile and allocate the wasm kernels, which scaled up to
  // an epoch would dominate a partial one.
  trainer.epoch(1);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const full = Math.ceil(windows / c.batchSize);
  if (batches > 0) trainer.epoch(batches);
  else for (let e = 0; e < epochs; e++) trainer.epoch();
  const cpu = process.cpuUsage(cpu0);
  const scale = batches > 0 ? full / Math.min(batches, full) : 1 / epochs;
  const seconds = ((performance.now() - started) / 1000) * scale;
  const cpuSeconds = ((cpu.user + cpu.system) / 1e6) * scale;
  trainer.dispose();
  const load = loadavg()[0]!.toFixed(1);
  return { text, users: train.numUsers, items: train.numItems, windows, seconds, cpuSeconds, load };
}

const ml1m = join(root, "scratch", "bench-data", "ml-1m");
if (!existsSync(join(ml1m, "synth.json")))
  await writeSynthetic({ shape: parseShape("ml-1m"), out: ml1m, seed: 1 });
const rows = [
  ["ml-latest-small", await perEpoch(config.data.dir, "none")],
  ["ml-latest-small", await perEpoch(config.data.dir, "add")],
  ["synthetic ML-1M shape", await perEpoch(ml1m, "none")],
  ["synthetic ML-1M shape", await perEpoch(ml1m, "add")],
] as const;
writeSection(
  "seq",
  "Recall: sequential model (SASRec) training",
  `
Settings: recall.seq defaults (maxLen ${c.maxLen}, dim ${c.dim}, ${c.blocks} blocks, ${c.heads} head, batch ${c.batchSize},
windows ${c.windows}, full softmax), TF.js wasm backend, 1 thread; ${batches > 0 ? `${batches} batches of an epoch after one untimed warm-up batch, scaled to the epoch's batch count` : `mean of ${epochs} epochs`}. recall.seq.text = add
projects ${TEXT_DIM}-d item text (seeded random unit vectors here: same cost as USE-lite's). Peak RSS ${peakRssMiB().toFixed(0)} MiB.
The machine is shared: compare the none/add ratio within a dataset (CPU seconds are the steadier column).

| Data | recall.seq.text | Users | Items | Windows per epoch | Seconds per epoch | CPU seconds per epoch | Load average (1 min) at the end |
|------|-----------------|------:|------:|------------------:|------------------:|----------------------:|--------------------------------:|
${rows.map(([name, r]) => `| ${name} | ${r.text} | ${r.users} | ${r.items} | ${r.windows} | ${r.seconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} | ${r.load} |`).join("\n")}
`,
);
