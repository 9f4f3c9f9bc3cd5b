import { loadConfig, type TandemConfigInput } from "@tandem/core";
import { StoreRankingEngine } from "@tandem/serving";
import { type FeatureStore, MemoryFeatureStore, RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll } from "vitest";
import { buildApp } from "../src/app.js";

export const READ_KEY = "read-key-0123456789abcdef";
export const WRITE_KEY = "write-key-0123456789abcdef";
export const ADMIN_KEY = "admin-key-0123456789abcdef";

/** Store factories for every backend: the embedded memory store and a real redis-server (one per file). */
export function storeBackends(): [string, () => FeatureStore][] {
  let redis: TestRedis;
  let namespaces = 0;
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(() => redis.stop());
  return [
    ["memory", () => new MemoryFeatureStore()],
    [
      "redis",
      () => new RedisFeatureStore({ redis: redis.url, namespace: `${redis.namespace}-${namespaces++}` }),
    ],
  ];
}

/** An app over `store` with one key per scope (reads open unless the config says otherwise). */
export function testApp(store: FeatureStore, api: TandemConfigInput["api"] = {}, logLines?: string[]) {
  const scheduled: string[][] = [];
  const config = loadConfig(
    {
      api: {
        readKeys: [READ_KEY],
        writeKeys: [WRITE_KEY],
        adminKeys: [ADMIN_KEY],
        maxK: 50,
        bodyLimitBytes: 2048,
        ...api,
      },
    },
    {},
  );
  const engine = new StoreRankingEngine({
    store,
    timeoutMs: 1000,
    scheduleUpdates: async (users) => {
      scheduled.push(users);
    },
  });
  const logger = logLines ? { level: "warn", stream: { write: (l: string) => logLines.push(l) } } : false;
  const app = buildApp({ config, engine, logger, store });
  return {
    app,
    /** User lists passed to scheduleUpdates, one per ingest call. */
    scheduled,
    post: (url: string, payload: unknown, key?: string) =>
      app.inject({
        method: "POST",
        url,
        payload: payload as object,
        headers: key ? { "x-api-key": key } : {},
      }),
  };
}
