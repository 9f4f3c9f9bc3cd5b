/**
 * Every route of the ranking API: the server registers these, the OpenAPI document describes them and
 * @tandem/client calls them. Paths are OpenAPI-style (`{id}`).
 */
export const routes = {
  recommend: { method: "POST", path: "/v1/recommend", status: 200 },
  rank: { method: "POST", path: "/v1/rank", status: 200 },
  similar: { method: "GET", path: "/v1/items/{id}/similar", status: 200 },
  ingest: { method: "POST", path: "/v1/events", status: 202 },
  eraseUser: { method: "DELETE", path: "/v1/users/{id}", status: 200 },
  health: { method: "GET", path: "/healthz", status: 200 },
  ready: { method: "GET", path: "/readyz", status: 200 },
  metrics: { method: "GET", path: "/metrics", status: 200 },
  openapi: { method: "GET", path: "/openapi.json", status: 200 },
  // The console's reads (admin key) and its page.
  adminOverview: { method: "GET", path: "/v1/admin/overview", status: 200 },
  adminUser: { method: "GET", path: "/v1/admin/users/{id}", status: 200 },
  adminTitles: { method: "GET", path: "/v1/admin/titles", status: 200 },
  console: { method: "GET", path: "/console", status: 200 },
} as const;

export type RouteName = keyof typeof routes;

/** The same path in fastify's syntax (`:id`). */
export const fastifyPath = (path: string): string => path.replace(/\{(\w+)\}/g, ":$1");
