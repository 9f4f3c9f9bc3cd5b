import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GrpcCallError, RankingGrpcClient } from "../src/grpc/index.js";
import { type LiveServers, startLiveServers } from "./behaviour/live-servers.js";
import { READ_KEY } from "./harness.js";

describe("gRPC deadlines", () => {
  let live: LiveServers;
  let client: RankingGrpcClient;
  let redis: Redis;
  beforeAll(async () => {
    live = await startLiveServers();
    client = new RankingGrpcClient(live.grpcAddress, { apiKey: READ_KEY });
    redis = new Redis(live.redis.url);
    // Connect first, so the deadline below is spent on the store, not on the channel.
    await client.recommend({ userId: "u1", k: 1 });
  });
  afterAll(async () => {
    client.close();
    redis.disconnect();
    await live.close();
  });

  it("answers DEADLINE_EXCEEDED at the caller's deadline while the store stalls, and counts it", async () => {
    // Redis holds every command for 1.5 s: longer than the deadline (150 ms) and the store timeout (300 ms).
    await redis.call("CLIENT", "PAUSE", "1500", "ALL");
    const error = await client
      .recommend({ userId: "u1", k: 2 }, { deadlineMs: 150 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrpcCallError);
    expect((error as GrpcCallError).code).toBe("DEADLINE_EXCEEDED");
    await new Promise((r) => setTimeout(r, 1600));
    // The server gave up at the deadline too (status 4 in the shared histogram), not at the store's 300 ms.
    const text = await live.metrics.registry.getSingleMetricAsString("tandem_http_request_duration_seconds");
    expect(text).toMatch(/route="\/tandem\.v1\.Ranking\/Recommend",method="GRPC",status="4"/);
    expect((await client.recommend({ userId: "u1", k: 2 })).items.map((i) => i.itemId)).toEqual(["c", "d"]);
  }, 20_000);
});
