import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { RedisFeatureStore } from "@tandem/store";
import { freePort, TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishFixture } from "./fixture.js";

// The production runtime: `pnpm build` output run by plain node (no tsx), against a real Redis.
const root = join(import.meta.dirname, "..", "..", "..");
const ADMIN_KEY = "compiled-test-admin-7Qx2Lp9Zr4";

describe("the compiled ranking API (pnpm build)", () => {
  let redis: TestRedis;
  let store: RedisFeatureStore;
  let api: ChildProcess;
  let base: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
    redis = await TestRedis.start({ allowExternal: false });
    store = new RedisFeatureStore({ redis: redis.url, namespace: redis.namespace });
    await publishFixture(store);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, [join(root, "services/ranking-api/dist/main.js")], {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        TANDEM_STORE_NAMESPACE: redis.namespace,
        TANDEM_API_PORT: String(port),
        TANDEM_API_ADMIN_KEYS: ADMIN_KEY,
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);
  afterAll(async () => {
    api?.kill("SIGTERM");
    await store.close();
    await redis.stop();
  });

  it("serves recommendations from plain JavaScript, then exits on SIGTERM", async () => {
    const r = await fetch(`${base}/v1/recommend`, {
      method: "POST",
      // Explanations reveal history: they need an admin key.
      headers: { "content-type": "application/json", "x-api-key": ADMIN_KEY },
      body: JSON.stringify({ userId: "u1", k: 2, explain: true }),
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { version: string; items: { itemId: string; explanation: object }[] };
    expect(body.version).toBe("v1");
    expect(body.items.map((i) => i.itemId)).toEqual(["c", "d"]);
    expect(body.items[0]!.explanation).toHaveProperty("textProfile");
    const exited = new Promise<number | null>((resolve) => api.once("exit", resolve));
    api.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
