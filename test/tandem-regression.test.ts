import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import { loadDataset } from "@tandem/data";
import { type ProtocolResult, pairedTest, runProtocol } from "@tandem/eval";
import { describe, expect, it } from "vitest";
import { modelRegistry } from "../services/cli/src/models.js";
import { evaluationInputs } from "../services/cli/src/split-for.js";

const ROOT = join(import.meta.dirname, "..");
const config = loadConfig(
  {
    data: { dir: join(ROOT, "data", "ml-latest-small") },
    semantic: { cacheDir: join(ROOT, ".tandem", "cache") },
  },
  {},
);
/** The committed JSON the README's result table is generated from (a test checks the README matches it). */
const published = JSON.parse(readFileSync(join(ROOT, "docs", "results", "loo--tandem.json"), "utf8")) as {
  results: { model: string; test: { metrics: Record<string, number> } }[];
};
const TOLERANCE = 0.003;

describe("Tandem on the reference protocol (bundled ml-latest-small, leave-one-out, seed 42)", () => {
  it("reproduces the README numbers and beats MF and ItemKNN by more than noise", async () => {
    const { dataset, split } = evaluationInputs(await loadDataset(config.data.dir, config.data), config);
    const registry = modelRegistry(config);
    const run = (name: string): Promise<ProtocolResult> =>
      runProtocol(registry[name]!, dataset, split, { ks: config.eval.ks, seed: config.eval.seed });
    const tandem = await run("tandem");
    const readme = published.results.find((r) => r.model === "tandem")!.test.metrics;
    for (const metric of ["recall@10", "ndcg@10"]) {
      expect(Math.abs(tandem.test.metrics[metric]! - readme[metric]!), metric).toBeLessThanOrEqual(TOLERANCE);
    }
    for (const baseline of ["mf-als", "itemknn"]) {
      const other = await run(baseline);
      expect(other.test.userIndexes).toEqual(tandem.test.userIndexes);
      for (const metric of ["recall@10", "ndcg@10"]) {
        const t = pairedTest(tandem.test.perUser[metric]!, other.test.perUser[metric]!, { seed: 42 });
        expect(t.lo, `tandem − ${baseline} ${metric}: ${JSON.stringify(t)}`).toBeGreaterThan(0);
      }
    }
  }, 1_800_000);
});
