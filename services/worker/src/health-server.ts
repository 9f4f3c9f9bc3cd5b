import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";

export interface HealthReport {
  status: "ok" | "unavailable";
  queues: readonly string[];
  redis: string;
}

/** `GET /healthz`: 200 with the served queues and Redis status when Redis answers PING, else 503. */
export class HealthServer {
  private readonly server: Server;

  constructor(
    private readonly redis: Redis,
    private readonly queues: readonly string[],
    /** How long PING may take before Redis counts as down. Default 1000 ms. */
    private readonly pingTimeoutMs = 1000,
  ) {
    this.server = createServer((req, res) => {
      if (req.method !== "GET" || req.url !== "/healthz") {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
        return;
      }
      void this.report().then((report) => {
        res
          .writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" })
          .end(JSON.stringify(report));
      });
    });
  }

  async report(): Promise<HealthReport> {
    let redis: string;
    try {
      const pong = await Promise.race([
        this.redis.ping(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("PING timed out")), this.pingTimeoutMs),
        ),
      ]);
      redis = pong === "PONG" ? "ready" : `unexpected reply ${pong}`;
    } catch (error) {
      redis = `down (${this.redis.status}: ${(error as Error).message})`;
    }
    return { status: redis === "ready" ? "ok" : "unavailable", queues: this.queues, redis };
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
