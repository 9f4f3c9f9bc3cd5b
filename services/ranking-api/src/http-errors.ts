import type { ErrorBody } from "@tandem/api-contract";
import { type ErrorCode, TandemError } from "@tandem/core";

/** HTTP status for each stable error code. */
export const statusOf: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  DATA_FORMAT: 400,
  NON_RETRYABLE: 400,
  NOT_FOUND: 404,
  CONFIG_INVALID: 500,
  DATA_EMPTY: 500,
  ARTIFACT_INVALID: 500,
  UNAVAILABLE: 503,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  USER_ERASED: 409,
};

/** Outage details (hosts, ports, cluster nodes) go to the log, never to the client. */
export const UNAVAILABLE_MESSAGE = "the feature store is unavailable or has no live version; retry later";

/** Maps any thrown value to a status and the one JSON error shape every route returns. */
export function toHttpError(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof RequestValidationError) {
    return { status: 400, body: { error: "INVALID_ARGUMENT", message: error.message, issues: error.issues } };
  }
  if (error instanceof TandemError) {
    const message = error.code === "UNAVAILABLE" ? UNAVAILABLE_MESSAGE : error.message;
    return { status: statusOf[error.code], body: { error: error.code, message } };
  }
  const fastify = error as { statusCode?: number; code?: string; message?: string };
  if (fastify.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return {
      status: 413,
      body: { error: "PAYLOAD_TOO_LARGE", message: "request body exceeds the configured limit" },
    };
  }
  if (typeof fastify.statusCode === "number" && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return {
      status: fastify.statusCode,
      body: { error: "BAD_REQUEST", message: fastify.message ?? "bad request" },
    };
  }
  return { status: 500, body: { error: "INTERNAL", message: "internal error" } };
}

/** A request body or parameter failed its schema; `issues` names every offending field. */
export class RequestValidationError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  }
}
