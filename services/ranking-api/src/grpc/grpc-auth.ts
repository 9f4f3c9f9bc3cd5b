import type { Metadata } from "@grpc/grpc-js";
import { RateLimitedError, type TandemConfig } from "@tandem/core";
import { allows, KeyRing, keyError, type Scope, scopeError } from "../auth.js";
import type { Caller } from "../operations.js";

/**
 * The HTTP key rules over gRPC metadata (`x-api-key`): the same key ring, scopes and errors, and failed
 * attempts counted per peer address in one-minute windows (past the limit: RATE_LIMITED until it ends).
 */
export class GrpcAuthorizer {
  private readonly ring: KeyRing;
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly api: TandemConfig["api"],
    private readonly onFailure: (reason: "missing" | "unknown" | "limited") => void,
  ) {
    this.ring = new KeyRing(api);
  }

  /**
   * A read route's caller: anonymous when reads are open and no key is sent. `peer` is asked only when a
   * key is checked (the failure windows are per peer host): an open read allocates nothing for it.
   */
  read(metadata: Metadata, peer: () => string): Caller {
    if (this.api.openReads && metadata.get("x-api-key").length === 0) return "anonymous";
    return this.require(metadata, peer, "read", "this method");
  }

  require(metadata: Metadata, peer: string | (() => string), need: Scope, what: string): Scope {
    const host = (typeof peer === "string" ? peer : peer()).replace(/:\d+$/, "");
    const now = Date.now();
    const window = this.failures.get(host);
    const limited = () => {
      this.onFailure("limited");
      const seconds = Math.ceil(((window?.until ?? now) - now) / 1000);
      return new RateLimitedError(`too many failed authentications; retry in ${seconds} s`, seconds);
    };
    if (window && window.until > now && window.count >= this.api.authFailuresPerMinute) throw limited();
    const given = metadata.get("x-api-key")[0];
    const scope = typeof given === "string" ? this.ring.scopeOf(given) : null;
    if (scope === null) {
      const current = window && window.until > now ? window : { count: 0, until: now + 60_000 };
      current.count++;
      if (this.failures.size >= 10_000) this.prune(now);
      this.failures.set(host, current);
      const reason = given === undefined ? "missing" : "unknown";
      this.onFailure(reason);
      throw keyError(reason);
    }
    if (!allows(scope, need)) throw scopeError(what, need, scope);
    return scope;
  }

  /** Bounded memory under many peers: ended windows go. */
  private prune(now: number): void {
    for (const [host, w] of this.failures) if (w.until <= now) this.failures.delete(host);
  }
}
