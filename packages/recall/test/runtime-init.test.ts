import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { alsRecommender, saveModel } from "../src/index.js";
import { datasetOf, syntheticData, testConfig } from "./fixtures.js";

const run = promisify(execFile);

describe("a model loaded in a process that never trained", () => {
  it("folds users in: loading the model initialises the TF.js runtime", async () => {
    const data = syntheticData();
    const rec = alsRecommender(testConfig({ als: { factors: 8, cgSteps: 0 } }).recall, { epochs: 3 });
    await rec.fit({ history: data, dataset: datasetOf(data), seed: 4 });
    const dir = mkdtempSync(join(tmpdir(), "tandem-cold-"));
    try {
      saveModel(join(dir, "mf"), rec.model);
      const { stdout } = await run(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "fixtures", "fold-in-cold.ts"), join(dir, "mf")],
        { cwd: import.meta.dirname },
      );
      const cold = JSON.parse(stdout) as number[];
      const here = Array.from(rec.model.foldIn([0, 1, 2]));
      expect(cold).toHaveLength(8);
      for (const [d, v] of cold.entries()) expect(v).toBeCloseTo(here[d]!, 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
