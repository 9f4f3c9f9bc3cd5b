import type { ErrorCode } from "@tandem/core";

/** Codes of the error body: Tandem's own error codes plus the transport's. */
export type ApiErrorCode = ErrorCode | "PAYLOAD_TOO_LARGE" | "BAD_REQUEST" | "INTERNAL";

/** The one JSON error shape every route returns. */
export interface ErrorBody {
  error: ApiErrorCode;
  message: string;
  /** Every offending field of an invalid request. */
  issues?: { path: string; message: string }[];
}
