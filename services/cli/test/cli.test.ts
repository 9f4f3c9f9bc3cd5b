import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "tandem.mjs");
const tandem = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

/** A generic-format dataset: 30 users, each with 8 of 20 items in a user-specific pattern. */
function genericDataset(): string {
  const dir = mkdtempSync(join(tmpdir(), "tandem-cli-"));
  const rows = ["user,item,value,timestamp"];
  for (let u = 0; u < 30; u++)
    for (let k = 0; k < 8; k++) rows.push(`u${u},i${(u + k * 3) % 20},1,${u * 100 + k}`);
  writeFileSync(join(dir, "interactions.csv"), `${rows.join("\n")}\n`);
  return dir;
}

describe("tandem eval", () => {
  it("prints dataset statistics and a metrics table, and writes the same as JSON", () => {
    const dir = genericDataset();
    const json = join(dir, "out.json");
    const r = tandem(
      "eval",
      "--dataset",
      dir,
      "--model",
      "pop,itemknn",
      "--k",
      "5,10",
      "--compare",
      "itemknn,pop",
      "--json",
      json,
      "--quiet",
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("30 users, 20 items, 240 interactions");
    expect(r.stdout).toMatch(
      /\| Model +\| Recall@5 \[95% CI\] +\| NDCG@5 \[95% CI\] +\| Recall@10 \[95% CI\]/,
    );
    expect(r.stdout).toMatch(/\| itemknn +\| \d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\] /);
    expect(r.stdout).toMatch(
      /\| itemknn \| pop +\| recall@10 \| [+-]\d\.\d{4} \[-?\d\.\d{4}, -?\d\.\d{4}\] \| [<\d]/,
    );
    expect(r.stdout).toMatch(
      /- itemknn: searched 2, 3, 5, .*; chosen \{"neighbors":\d+\}; test model used \{"neighbors":\d+\}/,
    );
    expect(r.stdout).toContain("Protocol: leave-one-out by time");
    const out = JSON.parse(readFileSync(json, "utf8"));
    expect(out.dataset).toMatchObject({ users: 30, items: 20, format: "generic" });
    expect(out.results.map((x: { model: string }) => x.model)).toEqual(["pop", "itemknn"]);
    expect(out.results[1].test.users).toBe(30);
    expect(out.results[1].test.metrics["recall@10"]).toBeGreaterThanOrEqual(0);
    // Per-user vectors: their mean is the reported metric, and the CI brackets it.
    const perUser: number[] = out.results[1].test.perUser["recall@10"];
    expect(perUser).toHaveLength(30);
    expect(perUser.reduce((a, b) => a + b, 0) / 30).toBeCloseTo(out.results[1].test.metrics["recall@10"], 5);
    const ci = out.summary.models[1].ci["recall@10"];
    expect(ci.lo).toBeLessThanOrEqual(ci.mean);
    expect(ci.hi).toBeGreaterThanOrEqual(ci.mean);
    expect(out.summary.comparisons[0]).toMatchObject({
      a: "itemknn",
      b: "pop",
      metric: "recall@5",
      users: 30,
    });
  }, 120_000);

  it("reports a malformed row with file and line on stderr and exits non-zero", () => {
    const dir = genericDataset();
    writeFileSync(join(dir, "interactions.csv"), "user,item,value\nu1,a,1\nu1,b,notanumber\n");
    const r = tandem("eval", "--dataset", dir, "--quiet");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/error \[DATA_FORMAT\] .*interactions\.csv:3: value: /);
  });

  it("skips malformed rows when asked and says how many", () => {
    const dir = genericDataset();
    const csv = readFileSync(join(dir, "interactions.csv"), "utf8");
    writeFileSync(join(dir, "interactions.csv"), `${csv}broken-row-without-fields\n`);
    const r = tandem("eval", "--dataset", dir, "--skip-malformed", "--model", "pop", "--quiet");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Skipped 1 rows");
    expect(r.stdout).toMatch(/expected 4 fields, got 1 \| +1 \|/);
  });

  it("rejects unknown models, datasets and flags with typed errors", () => {
    expect(tandem("eval", "--model", "nope").stderr).toMatch(
      /INVALID_ARGUMENT.*unknown model "nope"; known: pop, itemknn/,
    );
    const missing = tandem("eval", "--dataset", "/nonexistent/dir", "--quiet");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("error [NOT_FOUND] unknown dataset: /nonexistent/dir");
    expect(tandem("eval", "--bogus").stderr).toMatch(/INVALID_ARGUMENT.*--bogus/);
    expect(tandem("frobnicate").status).toBe(2);
    expect(tandem("eval", "--tie-order", "time", "--quiet").stderr).toMatch(/CONFIG_INVALID.*tieOrder/);
  }, 180_000);
});
