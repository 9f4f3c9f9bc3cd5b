import type {
  AdminOverview,
  AdminTitles,
  AdminUser,
  EventInput,
  RankInput,
  RecommendInput,
  Responses,
} from "@tandem/api-contract";
import { type CallOptions, HttpCaller } from "./http-caller.js";
import type { ClientOptions } from "./options.js";

/**
 * A typed client of every route of the ranking API. Request and response types come from the server's
 * own schemas (@tandem/api-contract). Errors: TandemApiError (the server's code) or TandemTransportError.
 */
export class TandemClient {
  private readonly http: HttpCaller;

  constructor(options: ClientOptions) {
    this.http = new HttpCaller(options);
  }

  /** Top-k items for a user (cold start for unknown users); `explain: true` needs an admin key. */
  recommend(request: RecommendInput, options: CallOptions = {}): Promise<Responses["recommend"]> {
    return this.http.call("recommend", { ...options, body: request, retryable: true });
  }

  /** Reranks the caller's candidate items for a user; unknown ids come back in `unknownItems`. */
  rank(request: RankInput, options: CallOptions = {}): Promise<Responses["rank"]> {
    return this.http.call("rank", { ...options, body: request, retryable: true });
  }

  /** Items most similar in meaning to `itemId` (NOT_FOUND for an unknown item). */
  similar(
    itemId: string,
    query: { k?: number } = {},
    options: CallOptions = {},
  ): Promise<Responses["similar"]> {
    return this.http.call("similar", { ...options, params: { id: itemId }, query, retryable: true });
  }

  /**
   * Appends events (write key). Retried after a 503 only when every event has an `eventId`: then the
   * server stores a repeated event once, so a retry cannot count an event twice.
   */
  ingest(events: EventInput[], options: CallOptions = {}): Promise<Responses["ingest"]> {
    const retryable = events.every((e) => e.eventId !== undefined);
    return this.http.call("ingest", { ...options, body: { events }, retryable });
  }

  /** Privacy erasure of a user (admin key); repeating it is harmless. */
  eraseUser(userId: string, options: CallOptions = {}): Promise<Responses["eraseUser"]> {
    return this.http.call("eraseUser", { ...options, params: { id: userId }, retryable: true });
  }

  health(options: CallOptions = {}): Promise<Responses["health"]> {
    return this.http.call("health", { ...options, retryable: false });
  }

  /** UNAVAILABLE (503) while the store is down or no version is live; not retried (it is the question). */
  ready(options: CallOptions = {}): Promise<Responses["ready"]> {
    return this.http.call("ready", { ...options, retryable: false });
  }

  /** The Prometheus exposition text. */
  metrics(options: CallOptions = {}): Promise<string> {
    return this.http.call("metrics", { ...options, retryable: true, text: true });
  }

  /** The console's overview (admin key): versions, runs with gate decisions and progress, queues, memory. */
  adminOverview(options: CallOptions = {}): Promise<AdminOverview> {
    return this.http.call("adminOverview", { ...options, retryable: true });
  }

  /** A user's recent history and precomputed candidates with sources (admin key). */
  adminUser(userId: string, options: CallOptions = {}): Promise<AdminUser> {
    return this.http.call("adminUser", { ...options, params: { id: userId }, retryable: true });
  }

  /** Titles of the live version's items (admin key; null for unknown ids). */
  adminTitles(itemIds: string[], options: CallOptions = {}): Promise<AdminTitles> {
    return this.http.call("adminTitles", { ...options, query: { ids: itemIds.join(",") }, retryable: true });
  }

  /** The console page's HTML (no key needed). */
  console(options: CallOptions = {}): Promise<string> {
    return this.http.call("console", { ...options, retryable: true, text: true });
  }

  /** The OpenAPI 3.1 document the server serves. */
  openapi(options: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.http.call("openapi", { ...options, retryable: true });
  }
}
