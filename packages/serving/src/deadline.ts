import { UnavailableError } from "@tandem/core";

interface Pending {
  at: number;
  settled: boolean;
  fail: (error: Error) => void;
  what: string;
}

/** A store error as the request sees it: connection errors from the client are outages, not bad requests. */
function asOutage(error: unknown, what: string): Error {
  if (error instanceof UnavailableError) return error;
  return new UnavailableError(`${what}: feature store error: ${(error as Error).message}`, { cause: error });
}

/**
 * Fails fast when the store does not answer in time (e.g. Redis down and the client queueing commands),
 * so a request gets a 503 in milliseconds instead of hanging. Every call has the same budget, so
 * deadlines expire in call order: one queue and one timer serve all calls (no timer per request).
 */
export class Deadlines {
  private queue: Pending[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly ms: number) {}

  run<T>(work: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { at: performance.now() + this.ms, settled: false, fail: reject, what };
      this.queue.push(entry);
      this.arm();
      work.then(
        (value) => {
          if (entry.settled) return;
          entry.settled = true;
          resolve(value);
        },
        (error) => {
          if (entry.settled) return;
          entry.settled = true;
          reject(asOutage(error, what));
        },
      );
    });
  }

  private arm(): void {
    if (this.timer || this.head >= this.queue.length) return;
    const wait = Math.max(1, this.queue[this.head]!.at - performance.now());
    this.timer = setTimeout(this.expire, wait);
    this.timer.unref();
  }

  private readonly expire = () => {
    this.timer = null;
    const now = performance.now();
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head]!;
      if (!entry.settled && entry.at > now) break;
      this.head++;
      if (entry.settled) continue;
      entry.settled = true;
      entry.fail(
        new UnavailableError(`${entry.what}: no answer from the feature store within ${this.ms} ms`),
      );
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.arm();
  };
}

/** One call with its own deadline (for callers outside the request path). */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Deadlines(ms).run(work, what);
}
