import { Metadata, status } from "@grpc/grpc-js";
import type { ApiErrorCode } from "@tandem/api-contract";
import { toHttpError } from "../http-errors.js";

/** gRPC status for each error code of the HTTP body (the same decision: toHttpError). */
const statusOf: Record<ApiErrorCode, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  DATA_FORMAT: status.INVALID_ARGUMENT,
  NON_RETRYABLE: status.INVALID_ARGUMENT,
  BAD_REQUEST: status.INVALID_ARGUMENT,
  PAYLOAD_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  NOT_FOUND: status.NOT_FOUND,
  UNAVAILABLE: status.UNAVAILABLE,
  UNAUTHORIZED: status.UNAUTHENTICATED,
  FORBIDDEN: status.PERMISSION_DENIED,
  RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  USER_ERASED: status.FAILED_PRECONDITION,
  CONFIG_INVALID: status.INTERNAL,
  DATA_EMPTY: status.INTERNAL,
  ARTIFACT_INVALID: status.INTERNAL,
  INTERNAL: status.INTERNAL,
};

/** Metadata values are ASCII: non-ASCII characters of the issues' JSON are \u-escaped. */
const ascii = (text: string) =>
  text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/**
 * A thrown value as a gRPC error: the status, the same message as the HTTP body, and in trailing
 * metadata the Tandem code (`tandem-error`), the field issues (`tandem-issues`, JSON) and `retry-after`.
 */
export function toGrpcError(error: unknown) {
  const { body } = toHttpError(error);
  const metadata = new Metadata();
  metadata.set("tandem-error", body.error);
  if (body.issues) metadata.set("tandem-issues", ascii(JSON.stringify(body.issues)));
  if (error instanceof Error && "retryAfterSeconds" in error)
    metadata.set("retry-after", String(error.retryAfterSeconds));
  return { code: statusOf[body.error], details: body.message, metadata };
}
