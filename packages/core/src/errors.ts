/**
 * The closed set of errors Tandem raises on purpose. Each has a stable `code` that callers, logs and
 * HTTP responses can rely on; the message says what was rejected and why.
 */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "DATA_FORMAT"
  | "DATA_EMPTY"
  | "NOT_FOUND"
  | "INVALID_ARGUMENT"
  | "ARTIFACT_INVALID"
  | "UNAVAILABLE"
  | "NON_RETRYABLE"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "RATE_LIMITED"
  | "USER_ERASED";

export class TandemError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The configuration object failed validation; `issues` lists each offending path. */
export class ConfigError extends TandemError {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super("CONFIG_INVALID", message);
  }
}

/** A row of an input file could not be parsed. Always names the file and the 1-based line. */
export class DataFormatError extends TandemError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super("DATA_FORMAT", `${file}:${line}: ${reason}`);
  }
}

/** Input that parsed but leaves nothing to work with (e.g. every user removed by k-core filtering). */
export class EmptyDataError extends TandemError {
  constructor(message: string) {
    super("DATA_EMPTY", message);
  }
}

export class NotFoundError extends TandemError {
  constructor(
    readonly kind: "user" | "item" | "model" | "dataset" | "file",
    readonly id: string,
  ) {
    super("NOT_FOUND", `unknown ${kind}: ${id}`);
  }
}

export class InvalidArgumentError extends TandemError {
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}

/** A saved model or index is corrupt, truncated or was made for other data. */
export class ArtifactError extends TandemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ARTIFACT_INVALID", message, options);
  }
}

/** A dependency (Redis, an HTTP encoder) cannot be reached; the operation may succeed later. */
export class UnavailableError extends TandemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNAVAILABLE", message, options);
  }
}

/** Work that will fail the same way every time (bad job payload): queues must not retry it. */
export class NonRetryableError extends TandemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("NON_RETRYABLE", message, options);
  }
}

/** The caller presented no credential, or one that matches no configured key. */
export class UnauthorizedError extends TandemError {
  constructor(message = "a valid x-api-key header is required") {
    super("UNAUTHORIZED", message);
  }
}

/** The caller's key is valid but its scope does not allow this operation. */
export class ForbiddenError extends TandemError {
  constructor(message: string) {
    super("FORBIDDEN", message);
  }
}

/** Too many failed attempts from one client: it must wait `retryAfterSeconds`. */
export class RateLimitedError extends TandemError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("RATE_LIMITED", message);
  }
}

/** Writes about users erased for privacy are refused (and nothing of the request is stored). */
export class ErasedUserError extends TandemError {
  constructor(readonly userIds: readonly string[]) {
    super(
      "USER_ERASED",
      `user${userIds.length > 1 ? "s" : ""} ${userIds.map((u) => JSON.stringify(u)).join(", ")} ${
        userIds.length > 1 ? "were" : "was"
      } erased; events for erased users are not accepted`,
    );
  }
}
