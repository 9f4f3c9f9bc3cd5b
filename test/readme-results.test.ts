import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applySections, readmeSections } from "../services/cli/src/results/index.js";

const ROOT = join(import.meta.dirname, "..");

describe("README results", () => {
  it("every generated table equals what `tandem results` builds from docs/results/*.json", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const sections = readmeSections(join(ROOT, "docs", "results"));
    for (const name of Object.keys(sections)) {
      expect(readme, `README lacks the ${name} markers`).toContain(`<!-- results:${name} -->`);
    }
    expect(applySections(readme, sections)).toBe(readme);
  });
});
