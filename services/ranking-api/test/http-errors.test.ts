import {
  ErasedUserError,
  ForbiddenError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
} from "@tandem/core";
import { describe, expect, it } from "vitest";
import { toHttpError } from "../src/http-errors.js";

describe("HTTP error mapping", () => {
  it("gives each typed error its status and stable code", () => {
    expect(toHttpError(new UnauthorizedError())).toMatchObject({
      status: 401,
      body: { error: "UNAUTHORIZED" },
    });
    expect(toHttpError(new ForbiddenError("no"))).toMatchObject({
      status: 403,
      body: { error: "FORBIDDEN" },
    });
    expect(toHttpError(new RateLimitedError("slow", 3))).toMatchObject({
      status: 429,
      body: { error: "RATE_LIMITED" },
    });
    expect(toHttpError(new ErasedUserError(["u"]))).toMatchObject({
      status: 409,
      body: { error: "USER_ERASED" },
    });
  });

  it("never shows a client the hosts or ports of an outage", () => {
    for (const cause of [
      "append events: Redis unavailable (connect ECONNREFUSED 10.1.2.3:6379)",
      "user features: Redis replied CLUSTERDOWN; MOVED 3999 redis-0.redis.tandem.svc:6379",
    ]) {
      const { status, body } = toHttpError(new UnavailableError(cause));
      expect(status).toBe(503);
      expect(body.error).toBe("UNAVAILABLE");
      expect(body.message).not.toMatch(/10\.1\.2\.3|6379|svc/);
    }
  });
});
