import { spawn } from "node:child_process";
import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerApp } from "../src/worker-app.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
let server: TestRedis;
beforeAll(async () => {
  server = await TestRedis.start();
});
afterAll(async () => {
  await server.stop();
});

describe("main.ts nightly", () => {
  it("starts a nightly run on the configured dataset that a worker carries through to publish", async () => {
    const namespace = `${server.namespace}-nightly`;
    const env = { REDIS_URL: server.url };
    const config = loadConfig(
      {
        data: { dir: join(ROOT, "data", "ml-latest-small") },
        store: { namespace },
        worker: { healthPort: 0 },
      },
      env,
    );
    const app = await WorkerApp.start(config, { env, log: () => {} });
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    try {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(ROOT, "services", "worker", "src", "main.ts"), "nightly", "night-1"],
        {
          cwd: ROOT,
          env: { ...process.env, ...env, TANDEM_STORE_NAMESPACE: namespace },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
      });
      expect(await new Promise((r) => child.once("exit", r))).toBe(0);
      expect(JSON.parse(out.trim().split("\n").at(-1)!)).toMatchObject({
        event: "nightly-started",
        version: "night-1",
        chunks: 2, // 610 users, worker.chunkSize 500
      });
      await expect.poll(() => store.liveVersion(), { timeout: 60_000, interval: 200 }).toBe("night-1");
      const f = await store.getUserFeatures("1");
      expect(f!.candidates!.items).toHaveLength(200);
      expect(Object.keys(f!.vectors)).toEqual(["mf"]);
      expect((await store.getItemVectors("text", ["1"])).vectors[0]).toHaveLength(64);
    } finally {
      await app.stop();
      await store.close();
    }
  });
});
