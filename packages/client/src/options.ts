/** How a TandemClient reaches the API. */
export interface ClientOptions {
  /** The API's base URL, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** Sent as `x-api-key` (a read key; a write key for `ingest`, an admin key for `eraseUser` and `explain`). */
  apiKey?: string;
  /** Per-attempt timeout in ms (default 2000). */
  timeoutMs?: number;
  /** Further attempts after a 503 or a failed connection, for calls safe to repeat (default 2). */
  retries?: number;
  /** First backoff in ms, doubled each retry, with jitter; a `retry-after` header wins when longer (default 100). */
  backoffMs?: number;
  /** Longest single wait between attempts in ms (default 5000). */
  maxBackoffMs?: number;
  /** Called before each retry (attempt counts from 1), e.g. to log it. */
  onRetry?: (attempt: number, error: Error) => void;
  /** The fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

export const DEFAULTS = { timeoutMs: 2000, retries: 2, backoffMs: 100, maxBackoffMs: 5000 } as const;
