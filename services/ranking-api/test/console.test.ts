import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type TandemConfig } from "@tandem/core";
import { bootstrapMeans } from "@tandem/eval";
import { RunState } from "@tandem/nightly";
import { PipelineQueues } from "@tandem/pipeline";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { QueueStats } from "../src/queue-stats.js";
import { launchChromium } from "./chromium.js";
import { publishFixture } from "./fixture.js";
import { ADMIN_KEY, READ_KEY } from "./harness.js";

/** Screenshots land here (gitignored), one per console page. */
const OUTPUT = join(import.meta.dirname, "..", "test-output", "console");

/** Two runs as the nightly leaves them: one rejected by the gate, one precomputing now. */
function writeRuns(dir: string) {
  const rejected = RunState.open(dir, "2026-12-01");
  rejected.finish("ingest", 1.5);
  rejected.finish("evaluate", 40);
  writeFileSync(
    join(rejected.dir, "evaluation.json"),
    JSON.stringify({
      results: [
        {
          model: "popularity",
          test: { users: 4, metrics: { "recall@10": 0.25 }, perUser: { "recall@10": [0, 0, 1, 0] } },
        },
        {
          model: "tandem",
          test: { users: 4, metrics: { "recall@10": 0.5 }, perUser: { "recall@10": [1, 0, 1, 0] } },
        },
      ],
    }),
  );
  rejected.finish("gate", 0, {
    publish: false,
    metric: "ndcg@10",
    candidate: 0.1,
    live: 0.2,
    reason: "candidate ndcg@10 0.1000 is below live 0.2000 × (1 − 0.02)",
  });
  const running = RunState.open(dir, "2026-12-02");
  running.finish("ingest", 1.2);
  running.begin("precompute");
  running.progress(50, 200);
}

describe("the console in a real browser, against the API and a real redis-server", () => {
  let redis: TestRedis;
  let store: RedisFeatureStore;
  let queues: PipelineQueues;
  let client: Redis;
  let app: ReturnType<typeof buildApp>;
  let browser: Browser;
  let page: Page;
  let base = "";
  let runsDir = "";
  let failing: { close(force?: boolean): Promise<void> };
  let config: TandemConfig;

  beforeAll(async () => {
    redis = await TestRedis.start({ allowExternal: false });
    store = new RedisFeatureStore({ redis: redis.url, namespace: redis.namespace });
    await publishFixture(store);
    await store.appendEvents([
      { user: "u1", item: "a", value: 5, timestamp: 50, kind: "rating" },
      { user: "u1", item: "b", value: 4, timestamp: 60, kind: "rating" },
    ]);
    queues = new PipelineQueues({ connection: redis.url, namespace: redis.namespace, attempts: 1 });
    client = new Redis(redis.url);
    await queues.queue("publish").add("publish", { version: "nope" });
    failing = new Worker("publish", async () => Promise.reject(new Error("boom: no such version")), {
      connection: queues.connection,
      prefix: queues.prefix,
    });
    runsDir = mkdtempSync(join(tmpdir(), "tandem-console-"));
    writeRuns(runsDir);
    config = loadConfig({ api: { readKeys: [READ_KEY], adminKeys: [ADMIN_KEY], openReads: false } }, {});
    const engine = new StoreRankingEngine({ store, timeoutMs: 1000, scheduleUpdates: async () => {} });
    app = buildApp({ config, engine, store, queues: new QueueStats(queues, client), runsDir });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    base = `http://127.0.0.1:${address.port}`;
    mkdirSync(OUTPUT, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    await failing?.close(true);
    await app?.close();
    await queues?.close();
    client?.disconnect();
    await store?.close();
    await redis?.stop();
    rmSync(runsDir, { recursive: true, force: true });
  });

  const recommend = async (body: object) => {
    const r = await fetch(`${base}/v1/recommend`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": ADMIN_KEY },
      body: JSON.stringify(body),
    });
    return ((await r.json()) as { items: { itemId: string }[] }).items.map((i) => i.itemId);
  };
  const text = (selector: string) => page.$eval(selector, (e) => e.textContent ?? "");

  it("reads need an admin key", async () => {
    expect((await fetch(`${base}/v1/admin/overview`)).status).toBe(401);
    const read = await fetch(`${base}/v1/admin/overview`, { headers: { "x-api-key": READ_KEY } });
    expect(read.status).toBe(403);
    // The page itself holds no data and loads without a key.
    expect((await fetch(`${base}/console`)).status).toBe(200);
  });

  it("shows the live version, the runs with the gate's decision, evaluation with CIs, and a run's progress", async () => {
    await page.goto(`${base}/console#versions`);
    await page.type("#key", ADMIN_KEY);
    await page.click("#key-form button");
    await page.waitForFunction('document.querySelector("#runs table") !== null');
    expect(await text("#live")).toBe("v1");
    const runs = await text("#runs");
    expect(runs).toContain("rejected");
    expect(runs).toContain("candidate ndcg@10 0.1000 is below live 0.2000");
    expect(runs).toContain("precompute");
    expect(runs).toContain("50/200");
    expect(runs).toMatch(/ETA \d+ s/);
    // recall@10 of tandem over [1,0,1,0], with the interval tandem eval prints (its bootstrap, config.eval).
    const ci = bootstrapMeans(
      { r: [1, 0, 1, 0] },
      { resamples: config.eval.bootstrap, seed: config.eval.seed },
    ).r!;
    expect(ci.hi - ci.lo).toBeGreaterThan(0);
    expect(runs).toContain(`0.5000 [${ci.lo.toFixed(4)}, ${ci.hi.toFixed(4)}]`);
    expect(await text("#versions")).toContain("live");
    await page.screenshot({ path: join(OUTPUT, "versions.png"), fullPage: true });
  });

  it("shows queue depths, failed jobs and the store's memory", async () => {
    // The worker fails the job on its own time: reload until the page shows it.
    for (let i = 0; i < 50; i++) {
      await page.goto(`${base}/console#operations`);
      await page.waitForFunction('document.querySelector("#queues table") !== null');
      if ((await text("#failed")).includes("boom")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await text("#queues")).toContain("update-user");
    expect(await text("#failed")).toContain("boom: no such version");
    expect(await text("#memory")).toMatch(/\d+\.\d MiB/);
    await page.screenshot({ path: join(OUTPUT, "operations.png"), fullPage: true });
  });

  it("explains a user: history titles, candidates with sources, and the final list /v1/recommend gives", async () => {
    await page.goto(`${base}/console#users`);
    await page.type("#user-id", "u1");
    await page.click("#user-form button");
    await page.waitForFunction('document.querySelectorAll("#final li").length > 0');
    const shown = await page.$$eval("#final li", (lis) => lis.map((li) => li.getAttribute("data-item-id")));
    expect(shown).toEqual(await recommend({ userId: "u1", k: 10, explain: true }));
    expect(await text("#history")).toContain("Beta (1996)");
    const candidates = await text("#candidates");
    expect(candidates).toContain("Gamma (1997)");
    expect(candidates).toContain("co-occurrence");
    expect(await text("#final")).toMatch(/textProfile [+-]\d/);
    await page.screenshot({ path: join(OUTPUT, "user-explorer.png"), fullPage: true });
  });

  it("re-ranks with the popularity control as /v1/recommend does", async () => {
    const before = await page.$$eval("#final li", (lis) => lis.map((li) => li.textContent));
    await page.$eval("#popularity", (input) => {
      (input as unknown as { value: string }).value = "1";
      input.dispatchEvent(new Event("change"));
    });
    await page.waitForFunction(
      `[...document.querySelectorAll("#final li")].map((li) => li.textContent).join() !== ${JSON.stringify(before.join())}`,
    );
    const shown = await page.$$eval("#final li", (lis) => lis.map((li) => li.getAttribute("data-item-id")));
    expect(shown).toEqual(await recommend({ userId: "u1", k: 10, explain: true, popularityPenalty: 1 }));
    await page.screenshot({ path: join(OUTPUT, "user-explorer-popularity.png"), fullPage: true });
  });
});
