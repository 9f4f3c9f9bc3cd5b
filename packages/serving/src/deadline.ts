import { UnavailableError } from "@tandem/core";

/**
 * Fails fast when the store does not answer in time (e.g. Redis down and the client queueing commands),
 * so a request gets a 503 in milliseconds instead of hanging.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UnavailableError(`${what}: no answer from the feature store within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } catch (error) {
    if (error instanceof UnavailableError) throw error;
    // Connection errors from the client are outages too, not bugs in the request.
    throw new UnavailableError(`${what}: feature store error: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
