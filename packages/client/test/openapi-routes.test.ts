import { requestSchemas, responses, routes } from "@tandem/api-contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { TandemClient } from "../src/index.js";
import { READ_KEY, startLiveApi } from "./live-api.js";

type Operation = {
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses: Record<string, { content?: { "application/json": { schema: unknown } } }>;
};

/** The client calls every route the server documents, with the same methods, bodies and answers. */
describe("the served OpenAPI document and the client's route table", () => {
  let api: Awaited<ReturnType<typeof startLiveApi>>;
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    api = await startLiveApi();
    const doc = await new TandemClient({ baseUrl: api.url, apiKey: READ_KEY }).openapi();
    paths = doc["paths"] as typeof paths;
  });
  afterAll(() => api.close());

  it("lists exactly the client's routes", () => {
    const documented = Object.entries(paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const called = Object.values(routes).map((r) => `${r.method} ${r.path}`);
    expect(documented.sort()).toEqual(called.sort());
  });

  it("documents each route's success status, request body and response body from the client's schemas", () => {
    const schemas = requestSchemas(api.config.api);
    const bodies: Partial<Record<keyof typeof routes, z.ZodType>> = {
      recommend: schemas.recommend,
      rank: schemas.rank,
      ingest: schemas.events,
    };
    for (const [name, route] of Object.entries(routes) as [
      keyof typeof routes,
      (typeof routes)[keyof typeof routes],
    ][]) {
      const op = paths[route.path]?.[route.method.toLowerCase()];
      expect(op, name).toBeDefined();
      expect(Object.keys(op?.responses ?? {}), name).toContain(String(route.status));
      const body = bodies[name];
      expect(op?.requestBody?.content["application/json"].schema, name).toEqual(
        body ? z.toJSONSchema(body, { io: "input" }) : undefined,
      );
      const answer = name in responses ? responses[name as keyof typeof responses] : undefined;
      expect(op?.responses[String(route.status)]?.content?.["application/json"].schema, name).toEqual(
        answer ? z.toJSONSchema(answer, { io: "output" }) : undefined,
      );
    }
  });
});
