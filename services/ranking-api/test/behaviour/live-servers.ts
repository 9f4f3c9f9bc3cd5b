import { loadConfig } from "@tandem/core";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { buildApp } from "../../src/app.js";
import { GrpcRankingServer } from "../../src/grpc/index.js";
import { createMetrics } from "../../src/metrics.js";
import { rankingOperations } from "../../src/operations.js";
import { publishFixture } from "../fixture.js";
import { ADMIN_KEY, READ_KEY, WRITE_KEY } from "../harness.js";

/**
 * What main.ts runs, on free ports: one engine over a real redis-server with a published version, behind
 * the HTTP app and the gRPC server, sharing one metrics registry. Reads need a key (openReads false).
 */
export async function startLiveServers() {
  const redis = await TestRedis.start({ persistence: true, allowExternal: false });
  const store = new RedisFeatureStore({ redis: redis.url, namespace: redis.namespace });
  await publishFixture(store);
  const config = loadConfig(
    {
      api: {
        readKeys: [READ_KEY],
        writeKeys: [WRITE_KEY],
        adminKeys: [ADMIN_KEY],
        maxK: 50,
        openReads: false,
      },
    },
    {},
  );
  const engine = new StoreRankingEngine({ store, timeoutMs: 300, scheduleUpdates: async () => {} });
  const metrics = createMetrics({ timeoutMs: 500, store });
  const app = buildApp({ config, engine, store, metrics });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const grpc = new GrpcRankingServer({
    config,
    ops: rankingOperations(engine, config.api, metrics),
    metrics,
  });
  const grpcPort = await grpc.listen("127.0.0.1", 0);
  return {
    httpUrl: `http://127.0.0.1:${address.port}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    redis,
    engine,
    metrics,
    close: async () => {
      await grpc.close();
      await app.close();
      await store.close();
      await redis.stop();
    },
  };
}

export type LiveServers = Awaited<ReturnType<typeof startLiveServers>>;
