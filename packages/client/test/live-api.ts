import { loadConfig } from "@tandem/core";
import { buildApp } from "@tandem/ranking-api";
import { publishFixture } from "@tandem/ranking-api/testing";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";

export const READ_KEY = "client-read-0123456789abcdef";
export const WRITE_KEY = "client-write-0123456789abcdef";
export const ADMIN_KEY = "client-admin-0123456789abcdef";

/** The real ranking API on a free port, over its own redis-server with one published version. */
export async function startLiveApi() {
  const redis = await TestRedis.start({ persistence: true, allowExternal: false });
  const store = new RedisFeatureStore({ redis: redis.url, namespace: redis.namespace });
  await publishFixture(store);
  const config = loadConfig(
    { api: { readKeys: [READ_KEY], writeKeys: [WRITE_KEY], adminKeys: [ADMIN_KEY], maxK: 50 } },
    {},
  );
  const engine = new StoreRankingEngine({ store, timeoutMs: 300, scheduleUpdates: async () => {} });
  const app = buildApp({ config, engine, store });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    redis,
    store,
    config,
    close: async () => {
      await app.close();
      await store.close();
      await redis.stop();
    },
  };
}
