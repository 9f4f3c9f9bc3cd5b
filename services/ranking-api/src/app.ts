import rateLimit from "@fastify/rate-limit";
import {
  fastifyPath,
  type RouteName,
  requestSchemas,
  responseJsonSchema,
  responses,
  routes,
} from "@tandem/api-contract";
import type { TandemConfig } from "@tandem/core";
import type { RankingEngine } from "@tandem/serving";
import type { FeatureStore } from "@tandem/store";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { Authorizer } from "./auth.js";
import { registerConsole } from "./console/index.js";
import { toHttpError } from "./http-errors.js";
import { registerJsonParser } from "./json-body.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { type Caller, rankingOperations } from "./operations.js";
import type { QueueStats } from "./queue-stats.js";

export interface AppOptions {
  config: TandemConfig;
  engine: RankingEngine;
  /** Fastify's logger: off (default, tests) or pino options (the entry point passes config.api.logLevel). */
  logger?: false | { level: string; stream?: { write(line: string): void } };
  /** Read on /metrics scrapes: the live version's id, age and evaluation. */
  store?: FeatureStore;
  /** Read on /metrics scrapes: the pipeline's queue depths and failed/stalled jobs (Redis only). */
  queues?: QueueStats;
  /** The console's run history (default config.nightly.runsDir); the console needs `store`. */
  runsDir?: string;
  /** Shared with the gRPC server (one registry per process); built here when absent. */
  metrics?: Metrics;
}

/** Ids are ≤ 256 characters (schemas.ts); a URL-encoded one can take up to 12 bytes per character. */
const MAX_PARAM_LENGTH = 256 * 12;

/** Builds the HTTP app around an engine: validation, auth, errors, metrics and OpenAPI. */
export function buildApp(options: AppOptions): FastifyInstance {
  const { config, engine, logger = false, store, queues } = options;
  const app = Fastify({
    logger,
    bodyLimit: config.api.bodyLimitBytes,
    trustProxy: config.api.trustProxy,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  });
  const api = config.api;
  const metrics =
    options.metrics ??
    createMetrics({
      timeoutMs: api.metricsTimeoutMs,
      log: (source, error) => app.log.warn({ err: error, source }, "metrics: figures not read"),
      ...(store && { store }),
      ...(queues && { queues }),
    });
  const ops = rankingOperations(engine, api, metrics);
  const document = openApiDocument(requestSchemas(api), api.openReads);
  // Counts failed authentications only (see Authorizer); no route is limited as such.
  app.register(rateLimit, { global: false });
  registerJsonParser(app);
  const auth = new Authorizer(app, api, (reason) => metrics.authFailures.inc({ reason }));
  /** The caller's scope on a read route: anonymous when reads are open and no key is sent. */
  const read = async (request: FastifyRequest): Promise<Caller> =>
    api.openReads && request.headers["x-api-key"] === undefined
      ? "anonymous"
      : auth.require(request, "read", "this route");

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.latency.observe(
      { route, method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.setErrorHandler(async (error, request, reply) => {
    const { status, body } = toHttpError(error);
    if (status === 503) request.log.warn({ err: error }, "feature store unavailable");
    else if (status >= 500) request.log.error(error);
    if (error instanceof Error && "retryAfterSeconds" in error)
      reply.header("retry-after", String(error.retryAfterSeconds));
    return reply.status(status).send(body);
  });

  /** A route of the contract, with its compiled response serializer where the body is JSON. */
  const route = (name: RouteName) => {
    const { method, path, status } = routes[name];
    const schema =
      name in responses ? { response: { [status]: responseJsonSchema(name as keyof typeof responses) } } : {};
    return { method, url: fastifyPath(path), schema };
  };
  app.route({
    ...route("recommend"),
    handler: async (request) => ops.recommend(await read(request), request.body),
  });
  app.route({
    ...route("rank"),
    handler: async (request) => ops.rank(await read(request), request.body),
  });
  app.route({
    ...route("similar"),
    handler: async (request) => {
      await read(request);
      return ops.similar(request.params, request.query);
    },
  });
  app.route({
    ...route("ingest"),
    handler: async (request, reply) => {
      await auth.require(request, "write", "POST /v1/events");
      return reply.status(202).send(await ops.ingest(request.body));
    },
  });
  app.route({
    ...route("eraseUser"),
    handler: async (request) => {
      await auth.require(request, "admin", "erasing a user");
      return ops.eraseUser(request.params);
    },
  });
  app.route({ ...route("health"), handler: async () => ({ status: "ok" }) });
  app.route({ ...route("ready"), handler: async () => ({ status: "ready", ...(await engine.ready()) }) });
  app.route({
    ...route("metrics"),
    handler: async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.scrape()),
  });
  app.route({ ...route("openapi"), handler: async () => document });
  if (store)
    registerConsole(app, auth, {
      store,
      runsDir: options.runsDir ?? config.nightly.runsDir,
      evaluation: config.eval,
      ...(queues && { queues }),
    });
  return app;
}
