import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import { type Compute, HashingEmbedder, PipelineQueues } from "@tandem/pipeline";
import { RedisFeatureStore } from "@tandem/store";
import { freePort, TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerApp } from "../src/worker-app.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
let server: TestRedis;
beforeAll(async () => {
  // Owned (never REDIS_URL): the test kills and restarts it.
  server = await TestRedis.start({ allowExternal: false });
});
afterAll(async () => {
  await server.stop();
});

async function health(
  port: number,
  path = "/readyz",
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Collects the child's stdout JSON lines. */
function jsonLines(child: ChildProcess): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
  });
  return lines;
}

describe("worker process", () => {
  it("serves the configured queues, reports health, logs JSON per job event and stops on SIGTERM", async () => {
    const port = await freePort();
    const namespace = `${server.namespace}-proc`;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "services", "worker", "src", "main.ts")],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          REDIS_URL: server.url,
          TANDEM_STORE_NAMESPACE: namespace,
          TANDEM_WORKER_HEALTH_PORT: String(port),
          TANDEM_WORKER_QUEUES: "embed-items,publish",
          TANDEM_WORKER_CONCURRENCY: "3",
          TANDEM_WORKER_COMPUTE: "baseline",
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const logs = jsonLines(child);
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = new PipelineQueues({ connection: server.url, namespace });
    try {
      await expect.poll(() => logs.some((l) => l["event"] === "started"), { timeout: 90_000 }).toBe(true);
      expect(logs.find((l) => l["event"] === "started")).toMatchObject({
        queues: ["embed-items", "publish"],
      });
      expect(await health(port)).toEqual({
        status: 200,
        body: { status: "ok", queues: ["embed-items", "publish"], redis: "ready" },
      });

      await store.beginVersion("w1", {
        itemIds: ["a"],
        columns: [],
        itemKinds: { text: 64 },
        parts: ["embed:0"],
      });
      const job = await queues
        .queue("embed-items")
        .add("embed-items", { version: "w1", part: "embed:0", items: [{ id: "a", text: "a film" }] });
      await expect
        .poll(() => logs.some((l) => l["event"] === "completed" && l["jobId"] === job.id), {
          timeout: 20_000,
        })
        .toBe(true);
      const forJob = logs.filter((l) => l["jobId"] === job.id).map((l) => l["event"]);
      expect(forJob).toEqual(expect.arrayContaining(["active", "progress", "completed"]));
      expect(await store.missingParts("w1")).toEqual([]);

      // Redis down → not ready (503) but alive (200: no restart); back → ready (the clients reconnect).
      await server.kill();
      const down = await health(port);
      expect(down.status).toBe(503);
      expect(down.body["status"]).toBe("unavailable");
      const alive = await health(port, "/healthz");
      expect(alive.status).toBe(200);
      expect(alive.body).toMatchObject({ status: "ok", ready: false });
      await server.restart();
      await expect.poll(async () => (await health(port)).status, { timeout: 20_000 }).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(logs.map((l) => l["event"])).toEqual(expect.arrayContaining(["stopping", "stopped"]));
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await queues.close();
      await store.close();
    }
  }, 180_000);

  it("binds the health endpoint to 127.0.0.1 and a second worker on a taken port still starts", async () => {
    const namespace = `${server.namespace}-ports`;
    const port = await freePort();
    const compute = { embedder: new HashingEmbedder(8) } as unknown as Compute;
    const config = loadConfig(
      { store: { namespace }, worker: { queues: "embed-items", healthPort: port } },
      { REDIS_URL: server.url },
    );
    const events: Record<string, unknown>[] = [];
    const options = { compute, env: { REDIS_URL: server.url }, log: (e: object) => events.push({ ...e }) };
    const first = await WorkerApp.start(config, options);
    try {
      const second = await WorkerApp.start(config, options);
      try {
        expect(first.healthPort).toBe(port);
        expect(second.healthPort).not.toBe(port);
        expect(events).toContainEqual(
          expect.objectContaining({
            event: "health-port-taken",
            wanted: port,
            healthPort: second.healthPort,
          }),
        );
        expect((await health(second.healthPort, "/healthz")).status).toBe(200);
        expect(
          (first.health as unknown as { server: { address(): { address: string } } }).server.address()
            .address,
        ).toBe("127.0.0.1");
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });

  it("finishes the active job before a graceful stop returns", async () => {
    const namespace = `${server.namespace}-graceful`;
    const embedder = new HashingEmbedder(8);
    let release: () => void = () => {};
    let markStarted: () => void = () => {};
    const started = new Promise<void>((r) => {
      markStarted = r;
    });
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // Only embed-items is served, so only the embedder is needed; it blocks until released.
    const compute = {
      embedder: {
        id: embedder.id,
        dims: embedder.dims,
        embed: async (texts: readonly string[]) => {
          markStarted();
          await gate;
          return embedder.embed(texts);
        },
      },
    } as unknown as Compute;
    const config = loadConfig(
      { store: { namespace }, worker: { queues: "embed-items", healthPort: 0 } },
      { REDIS_URL: server.url },
    );
    const app = await WorkerApp.start(config, { compute, env: { REDIS_URL: server.url }, log: () => {} });
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = new PipelineQueues({ connection: server.url, namespace });
    try {
      await store.beginVersion("g1", {
        itemIds: ["a"],
        columns: [],
        itemKinds: { text: 8 },
        parts: ["embed:0"],
      });
      const job = await queues
        .queue("embed-items")
        .add("embed-items", { version: "g1", part: "embed:0", items: [{ id: "a", text: "x" }] });
      await started;
      let stopped = false;
      const stopping = app.stop().then(() => {
        stopped = true;
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(stopped).toBe(false); // still waiting for the active job
      release();
      await stopping;
      expect(await (await queues.queue("embed-items").getJob(job.id!))!.getState()).toBe("completed");
      expect(await store.missingParts("g1")).toEqual([]);
    } finally {
      await queues.close();
      await store.close();
    }
  });
});
