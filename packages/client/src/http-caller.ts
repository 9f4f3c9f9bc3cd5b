import { type ErrorBody, type RouteName, routes } from "@tandem/api-contract";
import { TandemApiError, TandemTransportError } from "./errors.js";
import { type ClientOptions, DEFAULTS } from "./options.js";

/** Per-call options of every client method. */
export interface CallOptions {
  /** This call's key instead of the client's (e.g. an admin key for `explain: true`). */
  apiKey?: string;
  signal?: AbortSignal;
}

export interface Call extends CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Only calls that are safe to repeat are retried (a 503 may come after part of the work was done). */
  retryable: boolean;
  /** The answer as text (/metrics) rather than JSON. */
  text?: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** One route call over fetch: URL, key, timeout, retries on 503 and failed connections, typed errors. */
export class HttpCaller {
  private readonly options: Required<Omit<ClientOptions, "apiKey" | "onRetry">> & ClientOptions;

  constructor(options: ClientOptions) {
    this.options = { ...DEFAULTS, fetch: globalThis.fetch, ...options };
  }

  async call<T>(name: RouteName, call: Call): Promise<T> {
    const { retries } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(name, call);
      } catch (error) {
        const again =
          call.retryable &&
          attempt < retries &&
          !call.signal?.aborted &&
          ((error instanceof TandemApiError && error.status === 503) ||
            (error instanceof TandemTransportError && error.kind === "network"));
        if (!again) throw error;
        this.options.onRetry?.(attempt + 1, error as Error);
        await sleep(this.backoff(attempt, error), call.signal);
      }
    }
  }

  private backoff(attempt: number, error: unknown): number {
    const { backoffMs, maxBackoffMs } = this.options;
    const jittered = Math.min(maxBackoffMs, backoffMs * 2 ** attempt) * (0.5 + Math.random() / 2);
    const told = error instanceof TandemApiError ? (error.retryAfterSeconds ?? 0) * 1000 : 0;
    return Math.min(maxBackoffMs, Math.max(jittered, told));
  }

  private url(name: RouteName, call: Call): string {
    const path = routes[name].path.replace(/\{(\w+)\}/g, (_, p: string) =>
      encodeURIComponent(call.params?.[p] ?? ""),
    );
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const q = query.toString();
    return `${this.options.baseUrl.replace(/\/+$/, "")}${path}${q ? `?${q}` : ""}`;
  }

  private async once<T>(name: RouteName, call: Call): Promise<T> {
    const headers: Record<string, string> = {};
    const key = call.apiKey ?? this.options.apiKey;
    if (key !== undefined) headers["x-api-key"] = key;
    if (call.body !== undefined) headers["content-type"] = "application/json";
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
    let response: Response;
    try {
      response = await this.options.fetch(this.url(name, call), {
        method: routes[name].method,
        headers,
        signal,
        ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
      });
      if (response.ok) return (call.text ? await response.text() : await response.json()) as T;
      throw await apiError(response);
    } catch (error) {
      if (error instanceof TandemApiError) throw error;
      if (timeout.aborted)
        throw new TandemTransportError("timeout", `${name}: no answer within ${this.options.timeoutMs} ms`, {
          cause: error,
        });
      if (call.signal?.aborted)
        throw new TandemTransportError("aborted", `${name}: aborted`, { cause: error });
      throw new TandemTransportError("network", `${name}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** The server's error body; a body that is not one (a proxy's page) still gives a typed error. */
async function apiError(response: Response): Promise<TandemApiError> {
  const text = await response.text();
  let body: ErrorBody;
  try {
    body = JSON.parse(text) as ErrorBody;
    if (typeof body.error !== "string") throw new Error("not an error body");
  } catch {
    const error =
      response.status === 503 ? "UNAVAILABLE" : response.status >= 500 ? "INTERNAL" : "BAD_REQUEST";
    body = { error, message: text.slice(0, 200) || response.statusText };
  }
  const retry = Number(response.headers.get("retry-after"));
  return new TandemApiError(response.status, body, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}
