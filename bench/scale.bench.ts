import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadDataset, NAMED_SHAPES, parseShape, writeSynthetic } from "../packages/data/src/index.js";
import { cosineNeighbors, transitionNeighbors } from "../packages/eval/src/index.js";
import { lineChart } from "../packages/report/src/index.js";
import { initTf } from "../packages/tf/src/index.js";
import { alsSweepSeconds } from "./als-epoch.js";
import { eachShapeInOwnProcess, peakRssMiB, writeSection } from "./machine.js";

interface StageRow {
  stage: string;
  seconds: number;
  peakRssMiB: number;
}

interface ShapeResult {
  shape: string;
  users: number;
  items: number;
  interactions: number;
  stages: StageRow[];
}

const root = join(import.meta.dirname, "..");
const log = (s: string) => process.stderr.write(`scale bench: ${s}\n`);

async function timed<T>(rows: StageRow[], stage: string, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const out = await work();
  rows.push({ stage, seconds: (performance.now() - started) / 1000, peakRssMiB: peakRssMiB() });
  log(`${stage}: ${rows.at(-1)!.seconds.toFixed(1)} s, peak RSS ${rows.at(-1)!.peakRssMiB.toFixed(0)} MiB`);
  return out;
}

/** One shape, in this process: the child side of the benchmark. */
async function measure(name: string, out: string): Promise<void> {
  const shape = parseShape(name);
  const dir = join(root, "scratch", "bench-data", name);
  const stages: StageRow[] = [];
  if (!existsSync(join(dir, "synth.json")))
    await timed(stages, "generate (tandem synth)", () => writeSynthetic({ shape, out: dir, seed: 1 }));
  const data = await timed(stages, "ingest: read, dedupe, 5-core, CSR", () => loadDataset(dir));
  const ui = data.interactions;
  await timed(stages, "transitions, top-100 per item", () =>
    transitionNeighbors(ui, { window: 3, neighbors: 100 }),
  );
  await timed(stages, "cosine, top-100 per item (latest 500 per user)", () =>
    cosineNeighbors(ui, { neighbors: 100, historyCap: 500 }),
  );
  await initTf({ log: false });
  for (const threads of [1, 2]) {
    const seconds = await alsSweepSeconds(ui, { threads });
    stages.push({
      stage: `ALS epoch, 64 factors, ${threads} thread${threads > 1 ? "s" : ""}`,
      seconds,
      peakRssMiB: peakRssMiB(),
    });
    log(`${stages.at(-1)!.stage}: ${seconds.toFixed(1)} s`);
  }
  const result: ShapeResult = {
    shape: name,
    users: ui.numUsers,
    items: ui.numItems,
    interactions: ui.items.length,
    stages,
  };
  writeFileSync(out, JSON.stringify(result));
}

async function main(): Promise<void> {
  const shapes = (process.env["TANDEM_BENCH_SHAPES"] ?? Object.keys(NAMED_SHAPES).join(",")).split(",");
  const results = eachShapeInOwnProcess<ShapeResult>(import.meta.filename, "scale", shapes);
  const stageNames = [...new Set(results.flatMap((r) => r.stages.map((s) => s.stage)))];
  const header = `| stage | ${results.map((r) => `${r.shape} s | ${r.shape} peak RSS MiB`).join(" | ")} |`;
  const rule = `|---|${results.map(() => "---:|---:").join("|")}|`;
  const rows = stageNames.map((stage) => {
    const cells = results.map((r) => {
      const s = r.stages.find((x) => x.stage === stage);
      return s ? `${s.seconds.toFixed(1)} | ${s.peakRssMiB.toFixed(0)}` : "- | -";
    });
    return `| ${stage} | ${cells.join(" | ")} |`;
  });
  const shapesLine = results
    .map(
      (r) =>
        `${r.shape}: ${r.users.toLocaleString("en")} users × ${r.items.toLocaleString("en")} items × ${r.interactions.toLocaleString("en")} interactions after 5-core`,
    )
    .join("; ");
  const series = stageNames
    .filter((stage) => !stage.startsWith("generate"))
    .map((stage) => ({
      name: stage.split(",")[0]!.replace(/^ingest: .*/, "ingest"),
      points: results
        .map((r) => ({ x: Math.log10(r.interactions), y: r.stages.find((s) => s.stage === stage)?.seconds }))
        .filter((p): p is { x: number; y: number } => p.y !== undefined && p.y > 0)
        .map((p) => ({ x: p.x, y: Math.log10(p.y) })),
    }));
  writeFileSync(
    join(import.meta.dirname, "results", "scale.svg"),
    lineChart(series, {
      title: "Time per stage vs interactions (log-log)",
      xLabel: "log10 interactions",
      yLabel: "log10 seconds",
    }),
  );
  writeSection(
    "scale",
    "Scale: synthetic ML-1M / ML-10M / ML-25M shapes",
    [
      `Data: \`tandem synth --shape <shape> --seed 1\` (lognormal activity, Zipf popularity, sessions, sequels). ${shapesLine}.`,
      "Each shape runs in its own process; peak RSS is that process's high-water mark when the stage ends",
      "(so it includes the stages before it).",
      "",
      header,
      rule,
      ...rows,
      "",
      "![time per stage vs interactions, log-log](bench/results/scale.svg)",
      "",
      "Slope of log time vs log interactions ≈ 1 means linear growth. Stages of `tandem nightly` not listed",
      'here (embedding, precompute, publish): the whole nightly at the three shapes, in "Scale: the whole `tandem nightly` at the three shapes".',
    ].join("\n"),
  );
}

const shapeArg = process.argv.indexOf("--shape");
if (shapeArg > 0)
  await measure(process.argv[shapeArg + 1]!, process.argv[process.argv.indexOf("--out") + 1]!);
else await main();
