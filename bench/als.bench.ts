/**
 * ALS epoch time per row-solve kernel (WebAssembly SIMD vs the JavaScript reference) and thread count,
 * next to the `implicit` library's figures on the same shapes (issue 13; measured on this machine type,
 * implicit cannot be installed here: PyPI is unreachable). 64 factors, 3 CG steps, reg 4, as implicit's
 * defaults; one warm-up sweep (threads, JIT), then the median of 3 sweeps. `pnpm bench als`.
 */
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { loadDataset, parseShape, writeSynthetic } from "../packages/data/src/index.js";
import { initTf } from "../packages/tf/src/index.js";
import { alsSweepSeconds } from "./als-epoch.js";
import { writeSection } from "./machine.js";

const root = join(import.meta.dirname, "..");
const log = (s: string) => process.stderr.write(`als bench: ${s}\n`);

/** implicit 0.7 (CPU, float32, CG 3 steps, 64 factors) seconds per epoch, from issue 13. */
const IMPLICIT: Record<string, Record<number, number>> = {
  "ml-latest-small": { 1: 0.041 },
  "ml-1m": { 1: 0.22, 2: 0.13 },
};

await initTf({ log: false });
const ml1mDir = join(root, "scratch", "bench-data", "ml-1m");
if (!existsSync(join(ml1mDir, "synth.json")))
  await writeSynthetic({ shape: parseShape("ml-1m"), out: ml1mDir, seed: 1 });
const datasets = [
  { name: "ml-latest-small", data: (await loadDataset(join(root, "data", "ml-latest-small"))).interactions },
  { name: "ml-1m", data: (await loadDataset(ml1mDir)).interactions },
];
const load = loadavg()[0]!.toFixed(1);
const rows: string[] = [];
for (const { name, data } of datasets) {
  for (const threads of [1, 2]) {
    const js = await alsSweepSeconds(data, { kernel: "js", threads, reps: 3 });
    const wasm = await alsSweepSeconds(data, { kernel: "wasm", threads, reps: 3 });
    const implicit = IMPLICIT[name]?.[threads];
    log(`${name}, ${threads} thread(s): js ${js.toFixed(3)} s, wasm ${wasm.toFixed(3)} s`);
    rows.push(
      `| ${name} | ${data.items.length.toLocaleString("en")} | ${threads} | ${js.toFixed(3)} | ${wasm.toFixed(3)} | ${(js / wasm).toFixed(1)}× | ${implicit?.toFixed(3) ?? "–"} | ${implicit ? `${(wasm / implicit).toFixed(1)}×` : "–"} |`,
    );
  }
}
writeSection(
  "als",
  "ALS epoch: WebAssembly SIMD kernel vs JavaScript, next to implicit",
  [
    `64 factors, 3 CG steps, reg 4; median of 3 sweeps after one warm-up. ml-1m is \`tandem synth --shape ml-1m\` (seed 1).`,
    `implicit's figures are from issue 13 (same machine type, 1 and 2 threads); implicit cannot be installed here. Load average at start: ${load}.`,
    "",
    "| data | interactions | threads | JS s/epoch | wasm s/epoch | wasm speed-up | implicit s/epoch | wasm ÷ implicit |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n"),
);
