import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobEvent, PipelineQueues, PipelineWorkers, PrecomputeProcessors } from "../src/index.js";

let server: TestRedis;
beforeAll(async () => {
  server = await TestRedis.start();
});
afterAll(async () => {
  await server.stop();
});

describe("PipelineWorkers with a sandboxed processor", () => {
  it("a synchronous fit 6× longer than the lock runs once: the lock renews, the job is never stalled", async () => {
    const namespace = `${server.namespace}-sandbox`;
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = new PipelineQueues({ connection: server.url, namespace, attempts: 3 });
    const events: JobEvent[] = [];
    const workers = new PipelineWorkers({
      connection: server.url,
      prefix: queues.prefix,
      queues: ["train-cf"],
      // No trainer in this process: train-cf only runs in the child.
      processors: new PrecomputeProcessors({ store }),
      sandboxed: { "train-cf": { file: join(import.meta.dirname, "fixtures", "slow-train-cf.ts") } },
      lockDuration: 500,
      stalledInterval: 250,
      log: (e) => events.push(e),
    });
    const log = join(mkdtempSync(join(tmpdir(), "tandem-sandbox-")), "runs.log");
    try {
      await workers.waitUntilReady();
      const job = await queues.queue("train-cf").add("train-cf", { ms: 3000, log }, queues.jobOptions());
      await expect
        .poll(() => events.find((e) => e.event === "completed" || e.event === "failed")?.event, {
          timeout: 30_000,
          interval: 100,
        })
        .toBe("completed");
      expect(events.filter((e) => e.event === "stalled")).toEqual([]);
      expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([job.id]); // ran exactly once
      expect((await queues.queue("train-cf").getJob(job.id!))!.returnvalue).toEqual({ ran: true });
    } finally {
      await workers.close();
      await queues.close();
      await store.close();
    }
  }, 60_000);
});
