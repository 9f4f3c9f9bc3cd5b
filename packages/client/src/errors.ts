import type { ApiErrorCode, ErrorBody } from "@tandem/api-contract";

/** The server answered with an error: `code` is the server's code (`error` of its body). */
export class TandemApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues: NonNullable<ErrorBody["issues"]>;

  constructor(
    readonly status: number,
    body: ErrorBody,
    /** From `retry-after` (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${body.error}: ${body.message}`);
    this.name = "TandemApiError";
    this.code = body.error;
    this.issues = body.issues ?? [];
  }
}

/** No answer: the request timed out, was aborted, or the connection failed. */
export class TandemTransportError extends Error {
  constructor(
    readonly kind: "timeout" | "aborted" | "network",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TandemTransportError";
  }
}

/** Narrows an error to a server error with one code, e.g. `isApiError(e, "NOT_FOUND")`. */
export const isApiError = <C extends ApiErrorCode>(
  error: unknown,
  code?: C,
): error is TandemApiError & { code: C } =>
  error instanceof TandemApiError && (code === undefined || error.code === code);
