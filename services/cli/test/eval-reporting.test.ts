import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { genericDir, mlRatings, mlTagEvents, weightedLog } from "./fixtures.js";

const bin = join(import.meta.dirname, "..", "bin", "tandem.mjs");
const tandem = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

describe("tandem eval reports as it goes", () => {
  it("prints and saves each model's row when it finishes, so a later crash keeps it", () => {
    const dir = weightedLog(80);
    const json = join(dir, "out.json");
    // EASE refuses this catalogue: the run fails after pop has finished.
    const r = tandem(
      "eval",
      "--dataset",
      dir,
      "--model",
      "pop,ease",
      "--set",
      "eval.easeMaxItems=10",
      "--json",
      json,
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("EASE needs a dense");
    expect(r.stdout).toMatch(
      /- pop \(seed 42\): Recall@10 \d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\]; .*scoring \d+\.\ds/,
    );
    // Stages are announced on stderr before each starts.
    expect(r.stderr).toMatch(/pop \(seed 42\): fit on train[\s\S]*pop \(seed 42\): score test/);
    const saved = JSON.parse(readFileSync(json, "utf8"));
    expect(saved.complete).toBe(false);
    expect(saved.results.map((x: { model: string }) => x.model)).toEqual(["pop"]);
    expect(saved.results[0].test.perUser["recall@10"]).toHaveLength(80);
  }, 120_000);

  it("says when BPR hit its epoch cap, and where an early-stopped bar stopped", () => {
    const dir = weightedLog(80);
    const r = tandem(
      "eval",
      "--dataset",
      dir,
      "--model",
      "mf-bpr,mf-als",
      "--set",
      "recall.bpr.maxEpochs=2",
      "--set",
      "recall.als.maxEpochs=40",
      "--set",
      "recall.patience=2",
      "--set",
      "recall.als.factors=8",
      "--set",
      "eval.search.trials=2",
    );
    expect(r.status).toBe(0);
    // Two trials of each search: the configured values first, and what the refit used.
    expect(r.stdout).toMatch(
      /- mf-als: searched 2 of 90 points of factors 32\|64\|128, .*ended by trials.*; chosen \{"factors":\d+,"reg":[\d.]+,"alpha":[\d.]+,"epochs":\d+\}; test model used \{"factors"/,
    );
    expect(r.stdout).toMatch(
      /- mf-bpr: .*epoch cap: hit at 2 \(best epoch \d.*raise recall\.bpr\.maxEpochs\)/,
    );
    expect(r.stdout).toMatch(/\| +Fit s \| Score s \|/);
    // ALS stops well before 40 sweeps on 80 users: the bar shows the stop epoch, not 40/40.
    const stop = r.stderr.match(/mf-als \[[#-]+\] (\d+)\/40 .*stopped early at epoch (\d+)/);
    expect(stop).not.toBeNull();
    expect(stop![1]).toBe(stop![2]);
    expect(Number(stop![1])).toBeLessThan(40);
    expect(r.stdout).not.toMatch(/- mf-als: .*epoch cap/);
  }, 180_000);
});

describe("tandem eval on a log without timestamps", () => {
  it("says so at ingest, warns about rows sorted by item id, and states leave-one-out by row order", () => {
    // ml-latest-small's own layout (each user's rows by movie id) with the timestamp column dropped.
    const rows = mlRatings(80).map(([u, i, r]) => `${u},${i},${r}`);
    const r = tandem("eval", "--dataset", genericDir("user,item,value", rows), "--model", "pop", "--quiet");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Warning: No timestamps: each user's rows are taken in file order/);
    expect(r.stdout).toMatch(/Warning: \d+ of \d+ users' rows are sorted by item id/);
    expect(r.stdout).toContain("Protocol: leave-one-out by row order, not by time");
  }, 60_000);
});

describe("tandem eval with --keep-repeats", () => {
  it("keeps repeated rows, says how many test items are repeats, and reports masked and allowed", () => {
    const r = tandem(
      "eval",
      "--dataset",
      genericDir("user,item,value,timestamp", mlTagEvents()),
      "--keep-repeats",
      "--model",
      "pop",
      "--min-user",
      "3",
      "--min-item",
      "1",
      "--quiet",
    );
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("one per user-item");
    expect(r.stdout).toMatch(/Repeats kept: \d+ of \d+ test items \(\d+\.\d%\) are already in the user's/);
    const line = r.stdout.match(
      /- pop \(seed 42\): Recall@10 (\d\.\d{4}) .*with seen items allowed: Recall@10 (\d\.\d{4})/,
    );
    expect(line).not.toBeNull();
    // Most held-out tags are on movies the user already tagged: allowing them must score higher.
    expect(Number(line![2])).toBeGreaterThan(Number(line![1]));
    expect(r.stdout).toContain(
      "repeats kept (every row of a user-item pair), also reported with seen items allowed",
    );
  }, 60_000);
});
