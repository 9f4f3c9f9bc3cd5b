import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PopularityRecommender, pairedTest } from "@tandem/eval";
import { runNightly } from "@tandem/nightly";
import { FEATURES, type FeatureName } from "@tandem/rerank";
import { createCachedEncoder } from "@tandem/semantic";
import { MemoryFeatureStore } from "@tandem/store";
import { beforeAll, describe, expect, it } from "vitest";
import { denseSliceConfig } from "./dense-slice.js";

// Real data and the real encoder, on a dense 50-core slice of ml-latest-small (207 users, 302 items)
// so the whole nightly runs in seconds.
const { config } = denseSliceConfig("tandem-nightly-", (dir) => ({
  nightly: { runsDir: join(dir, "runs") },
}));
const onlyAge: FeatureName[] = FEATURES.filter((f) => f !== "age");

describe("tandem nightly (in-process, embedded store)", () => {
  const store = new MemoryFeatureStore();
  let encoder: Awaited<ReturnType<typeof createCachedEncoder>>;
  let first: Awaited<ReturnType<typeof runNightly>>;

  beforeAll(async () => {
    encoder = await createCachedEncoder(config.semantic);
    const baselines = { pop: () => new PopularityRecommender() };
    first = await runNightly({ config, store, encoder, runId: "first", baselines });
  }, 300_000);

  it("trains, evaluates, precomputes and publishes when nothing is live", async () => {
    expect(first.published).toBe(true);
    expect(first.gate.reason).toBe("no live version to compare with");
    expect(await store.liveVersion()).toBe("first");
    const tandem = first.evaluation.results.at(-1)!;
    expect(tandem.model).toBe("tandem");
    expect(tandem.test.users).toBe(207);
    // Better than Popularity on the same split and users, by more than noise (paired test).
    const pop = first.evaluation.results[0]!;
    expect(pop.model).toBe("pop");
    const vs = pairedTest(tandem.test.perUser["ndcg@10"]!, pop.test.perUser["ndcg@10"]!);
    expect(vs.lo).toBeGreaterThan(0);
    const features = await store.getUserFeatures(first.dataset.users.id(0));
    expect(features?.candidates?.items.length).toBeGreaterThan(50);
    expect(features?.columns).toEqual([...FEATURES]);
    expect(first.timings.map((t) => t.step)).toEqual([
      "ingest",
      "evaluate",
      "train",
      "precompute",
      "gate",
      "publish",
      "report",
    ]);
  });

  it("writes a report with the metrics, charts and timings", () => {
    const html = readFileSync(first.reportPath, "utf8");
    expect(html).toContain("<h2>Metrics by model</h2>");
    expect(html).toContain("<h2>Popularity bias</h2>");
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toMatch(/<td>tandem<\/td>/);
  });

  it("does not publish a worse model: the live version stays and the reason is given", async () => {
    const worse = await runNightly({ config, store, encoder, runId: "worse", tandem: { disabled: onlyAge } });
    expect(worse.gate.publish).toBe(false);
    expect(worse.published).toBe(false);
    expect(worse.gate.candidate).toBeLessThan(worse.gate.live!);
    expect(worse.gate.reason).toMatch(/the live version stays/);
    expect(await store.liveVersion()).toBe("first");
  }, 300_000);

  it("embeds nothing on a warm run: every item text comes from the cache", async () => {
    const misses = encoder.misses;
    await runNightly({ config, store, encoder, runId: "warm" });
    expect(encoder.misses).toBe(misses);
    expect(await store.liveVersion()).toBe("warm");
  }, 300_000);

  it("resumes a run without redoing its finished steps", async () => {
    const runDir = join(config.nightly.runsDir, "warm");
    const evaluation = statSync(join(runDir, "evaluation.json")).mtimeMs;
    const model = statSync(join(runDir, "model", "fusion.json")).mtimeMs;
    const again = await runNightly({ config, store, encoder, runId: "warm" });
    expect(statSync(join(runDir, "evaluation.json")).mtimeMs).toBe(evaluation);
    expect(statSync(join(runDir, "model", "fusion.json")).mtimeMs).toBe(model);
    expect(again.evaluation.results.at(-1)!.test.metrics).toEqual(
      JSON.parse(readFileSync(join(runDir, "evaluation.json"), "utf8")).results.at(-1).test.metrics,
    );
    expect(again.published).toBe(true);
  }, 300_000);

  it("excludes erased users from the next run", async () => {
    const victim = first.dataset.users.id(3);
    await store.deleteUser(victim);
    expect(await store.getUserFeatures(victim)).toBeNull();
    const next = await runNightly({ config, store, encoder, runId: "after-erasure" });
    expect(next.dataset.users.has(victim)).toBe(false);
    expect(next.dataset.skipped.byReason["erased user"]).toBeGreaterThan(0);
    expect(await store.getUserFeatures(victim)).toBeNull();
    expect(existsSync(next.reportPath)).toBe(true);
  }, 300_000);
});
