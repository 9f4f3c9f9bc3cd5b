import { createHash, timingSafeEqual } from "node:crypto";
import { ForbiddenError, RateLimitedError, type TandemConfig, UnauthorizedError } from "@tandem/core";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** read: recommend/rank/similar; write: events; admin: everything, incl. erasure and explanations. */
export type Scope = "read" | "write" | "admin";

const digest = (key: string) => createHash("sha256").update(key).digest();

/** The configured keys by scope, compared in constant time (every key is compared, equal lengths). */
export class KeyRing {
  private readonly keys: { digest: Buffer; scope: Scope }[];

  constructor(api: TandemConfig["api"]) {
    this.keys = [
      ...api.readKeys.map((k) => ({ digest: digest(k), scope: "read" as const })),
      ...api.writeKeys.map((k) => ({ digest: digest(k), scope: "write" as const })),
      ...api.adminKeys.map((k) => ({ digest: digest(k), scope: "admin" as const })),
    ];
  }

  scopeOf(given: string): Scope | null {
    const d = digest(given);
    let found: Scope | null = null;
    for (const k of this.keys) if (timingSafeEqual(d, k.digest)) found = k.scope;
    return found;
  }
}

export const allows = (have: Scope, need: Scope) => have === "admin" || have === need;

/** The refusal of a valid key whose scope is too narrow (HTTP and gRPC alike). */
export const scopeError = (what: string, need: Scope, have: Scope) =>
  new ForbiddenError(`${what} requires a key with the ${need} scope; this key has the ${have} scope`);

/** The refusal of a missing or unknown key (HTTP and gRPC alike). */
export const keyError = (reason: "missing" | "unknown") =>
  new UnauthorizedError(
    reason === "missing" ? "a valid x-api-key header is required" : "the x-api-key is not a configured key",
  );

type Limiter = (
  request: FastifyRequest,
  options?: { increment?: boolean },
) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number }>;

/**
 * Checks a request's `x-api-key` against the scope an operation needs. Failed attempts are logged
 * (never the key) and counted per client IP with @fastify/rate-limit: past the limit every keyed
 * request from that IP gets 429 until the window ends, so guessing cannot go faster than the limit.
 */
export class Authorizer {
  private readonly ring: KeyRing;
  private limiter: Limiter | null = null;

  constructor(
    private readonly app: FastifyInstance,
    private readonly api: TandemConfig["api"],
    private readonly onFailure: (reason: "missing" | "unknown" | "limited") => void,
  ) {
    this.ring = new KeyRing(api);
  }

  /** The plugin's decorator exists once the app is ready, i.e. by the first request. */
  private limit(): Limiter {
    this.limiter ??= (this.app as unknown as { createRateLimit(o: object): Limiter }).createRateLimit({
      max: this.api.authFailuresPerMinute,
      timeWindow: 60_000,
    });
    return this.limiter;
  }

  /** Throws unless the request's key may do `what` (scope `need`); returns the key's scope. */
  async require(request: FastifyRequest, need: Scope, what: string): Promise<Scope> {
    const given = request.headers["x-api-key"];
    const peek = await this.limit()(request, { increment: false });
    // Already limited: refused without a log line each (the counter metric still counts them).
    if (peek.isExceeded) this.refuse(request, "limited", peek.ttlInSeconds ?? 60, false);
    const scope = typeof given === "string" ? this.ring.scopeOf(given) : null;
    if (scope === null) {
      const reason = given === undefined ? "missing" : "unknown";
      const counted = await this.limit()(request);
      if (counted.isExceeded) this.refuse(request, "limited", counted.ttlInSeconds ?? 60);
      this.refuse(request, reason, 0);
    }
    if (!allows(scope, need)) throw scopeError(what, need, scope);
    return scope;
  }

  private refuse(
    request: FastifyRequest,
    reason: "missing" | "unknown" | "limited",
    retry: number,
    log = true,
  ): never {
    this.onFailure(reason);
    if (log)
      request.log.warn(
        { ip: request.ip, route: request.routeOptions.url, method: request.method, reason },
        "authentication failed",
      );
    if (reason === "limited")
      throw new RateLimitedError(`too many failed authentications; retry in ${retry} s`, retry);
    throw keyError(reason);
  }
}
