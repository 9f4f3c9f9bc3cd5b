import type { ErrorBody } from "@tandem/api-contract";
import type { Outcome, Transport } from "./transport.js";

/** The suite's HTTP side: plain fetch, so the test sees the wire (the typed client has its own tests). */
export function httpTransport(baseUrl: string): Transport {
  const call = async <T>(method: string, path: string, body: unknown, key?: string): Promise<Outcome<T>> => {
    const headers: Record<string, string> = key ? { "x-api-key": key } : {};
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const json = await response.json();
    if (response.ok) return { ok: true, value: json as T };
    const error = json as ErrorBody;
    return { ok: false, code: error.error, message: error.message, issues: error.issues ?? [] };
  };
  const routes = {
    recommend: "/v1/recommend",
    rank: "/v1/rank",
    similar: "/v1/items/:id/similar",
    ingest: "/v1/events",
  };
  return {
    route: (method) => routes[method],
    recommend: (body, key) => call("POST", "/v1/recommend", body, key),
    rank: (body, key) => call("POST", "/v1/rank", body, key),
    similar: (itemId, k, key) =>
      call(
        "GET",
        `/v1/items/${encodeURIComponent(itemId)}/similar${k === undefined ? "" : `?k=${k}`}`,
        undefined,
        key,
      ),
    ingest: (events, key) => call("POST", "/v1/events", { events }, key),
    close: () => {},
  };
}
