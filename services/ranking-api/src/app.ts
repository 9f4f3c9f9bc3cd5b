import { timingSafeEqual } from "node:crypto";
import type { TandemConfig } from "@tandem/core";
import type { RankingEngine } from "@tandem/serving";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { toHttpError } from "./http-errors.js";
import { createMetrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { responseSchemas } from "./response-schemas.js";
import { parseRequest, requestSchemas } from "./schemas.js";

export interface AppOptions {
  config: TandemConfig;
  engine: RankingEngine;
  /** Fastify's logger: off (default, tests) or a level (the process entry point passes config.api.logLevel). */
  logger?: false | { level: string };
}

function hasValidKey(request: FastifyRequest, keys: readonly string[]): boolean {
  const given = request.headers["x-api-key"];
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  return keys.some((k) => {
    const b = Buffer.from(k);
    return a.length === b.length && timingSafeEqual(a, b);
  });
}

/** Builds the HTTP app around an engine: validation, auth, errors, metrics and OpenAPI. */
export function buildApp({ config, engine, logger = false }: AppOptions): FastifyInstance {
  const app = Fastify({ logger, bodyLimit: config.api.bodyLimitBytes });
  const schemas = requestSchemas(config.api);
  const metrics = createMetrics();
  const document = openApiDocument(schemas);

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.latency.observe(
      { route, method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.setErrorHandler(async (error, _request, reply) => {
    const { status, body } = toHttpError(error);
    if (status >= 500 && status !== 503) app.log.error(error);
    return reply.status(status).send(body);
  });
  const requireKey = async (request: FastifyRequest) => {
    if (!hasValidKey(request, config.api.apiKeys)) {
      const err = Object.assign(new Error("a valid x-api-key header is required"), { statusCode: 401 });
      throw err;
    }
  };

  const ok = (schema: object) => ({ schema: { response: { 200: schema } } });
  app.post("/v1/recommend", ok(responseSchemas.recommend), async (request) =>
    engine.recommend(parseRequest(schemas.recommend, request.body)),
  );
  app.post("/v1/rank", ok(responseSchemas.rank), async (request) =>
    engine.rank(parseRequest(schemas.rank, request.body)),
  );
  app.get<{ Params: { id: string } }>(
    "/v1/items/:id/similar",
    ok(responseSchemas.similar),
    async (request) => {
      const { k } = parseRequest(schemas.similarQuery, request.query);
      return engine.similar(request.params.id, k);
    },
  );
  app.post("/v1/events", { preHandler: requireKey }, async (request, reply) => {
    const { events } = parseRequest(schemas.events, request.body);
    return reply.status(202).send(await engine.ingest(events));
  });
  app.delete<{ Params: { id: string } }>("/v1/users/:id", { preHandler: requireKey }, async (request) =>
    engine.eraseUser(request.params.id),
  );
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async () => ({ status: "ready", ...(await engine.ready()) }));
  app.get("/metrics", async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get("/openapi.json", async () => document);
  return app;
}
