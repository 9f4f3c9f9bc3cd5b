/**
 * The API's two transports around an engine that answers at once (a fixed 10-item list): what HTTP and
 * gRPC themselves cost per call, without Redis or ranking. Started by transport-cost.ts. Env: PORT,
 * GRPC_PORT.
 */
import { loadConfig } from "@tandem/core";
import type { RankingEngine } from "@tandem/serving";
import { buildApp } from "../../services/ranking-api/src/app.js";
import { GrpcRankingServer } from "../../services/ranking-api/src/grpc/index.js";
import { createMetrics } from "../../services/ranking-api/src/metrics.js";
import { rankingOperations } from "../../services/ranking-api/src/operations.js";

const items = Array.from({ length: 10 }, (_, i) => ({
  itemId: String(1000 + 37 * i),
  score: 1 / (i + 1),
  sources: ["mf", "co-occurrence"],
}));
const answer = (userId: string) => ({ userId, version: "v1", items });
const engine = {
  recommend: async (r: { userId: string }) => ({ ...answer(r.userId), mode: "precomputed" }),
  rank: async (r: { userId: string }) => ({ ...answer(r.userId), unknownItems: [] }),
  ready: async () => ({ version: "v1" }),
} as unknown as RankingEngine;
const config = loadConfig({}, {});
const metrics = createMetrics({ timeoutMs: 500 });
const app = buildApp({ config, engine, metrics });
await app.listen({ host: "127.0.0.1", port: Number(process.env["PORT"]) });
const grpc = new GrpcRankingServer({ config, ops: rankingOperations(engine, config.api), metrics });
await grpc.listen("127.0.0.1", Number(process.env["GRPC_PORT"]));
process.on("SIGTERM", () => process.exit(0));
