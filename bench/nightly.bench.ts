/**
 * `tandem nightly` end to end on ml-latest-small with the embedded store: once with an empty embedding
 * cache (cold) and once more with it (warm), timing every step.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, markdownTable } from "@tandem/core";
import { runNightly } from "@tandem/nightly";
import { MemoryFeatureStore } from "@tandem/store";
import { peakRssMiB, writeSection } from "./machine.js";

const dir = mkdtempSync(join(tmpdir(), "tandem-bench-nightly-"));
const config = loadConfig(
  {
    data: { dir: join(import.meta.dirname, "..", "data", "ml-latest-small") },
    nightly: { runsDir: join(dir, "runs") },
    semantic: { cacheDir: join(dir, "cache") },
  },
  {},
);
const store = new MemoryFeatureStore();
const rows: (string | number)[][] = [];
for (const run of ["cold", "warm"]) {
  const started = performance.now();
  const result = await runNightly({ config, store, runId: run, log: (l) => process.stderr.write(`${l}\n`) });
  const total = (performance.now() - started) / 1000;
  const t = Object.fromEntries(result.timings.map((x) => [x.step, x.seconds]));
  rows.push([
    run,
    result.encoder.misses,
    t["evaluate"] ?? 0,
    t["train"] ?? 0,
    t["precompute"] ?? 0,
    total,
    result.published ? "yes" : "no",
  ]);
}
writeSection(
  "nightly",
  "Nightly job, end to end (ml-latest-small, embedded store)",
  `The whole \`tandem nightly\`: ingest, held-out evaluation of Tandem (tuning fit + refit, the published protocol),
training on all interactions, candidate precompute for 610 users, quality gate, publish, report. Cold = empty
embedding cache (every item text goes through USE-lite), warm = the same run again with the cache.

${markdownTable(["Run", "Texts encoded", "Evaluate s", "Train s", "Precompute s", "Total s", "Published"], rows)}

Targets (issue 7): ≤ 180 s cold, ≤ 60 s warm. Peak RSS ${peakRssMiB().toFixed(0)} MiB.`,
);
