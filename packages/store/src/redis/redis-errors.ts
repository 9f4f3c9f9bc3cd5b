import { InvalidArgumentError, NotFoundError, TandemError, UnavailableError } from "@tandem/core";
import { ReplyError } from "ioredis";

/** Our Lua errors become the typed errors they name; anything else from the client is an outage. */
export function mapError(error: unknown, what: string): never {
  if (error instanceof TandemError) throw error;
  if (error instanceof ReplyError) {
    const message = (error as Error).message;
    const notFound = /NOT_FOUND version (\S+)/.exec(message);
    if (notFound) throw new NotFoundError("model", `version ${notFound[1]}`);
    const incomplete = /INCOMPLETE (\S+)/.exec(message);
    if (incomplete) throw new InvalidArgumentError(`${what}: parts not complete: ${incomplete[1]}`);
    throw new UnavailableError(`${what}: Redis replied ${message}`, { cause: error });
  }
  // Refused or dropped connections, retries exhausted, client closed: the operation may succeed later.
  const message = error instanceof Error ? error.message : String(error);
  throw new UnavailableError(`${what}: Redis unavailable (${message})`, { cause: error });
}
