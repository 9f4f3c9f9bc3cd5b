import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RedisClient } from "@tandem/store";

export interface HealthReport {
  status: "ok" | "unavailable";
  queues: readonly string[];
  redis: string;
}

/**
 * `GET /healthz` (liveness): 200 while the process runs, Redis or not: a Redis outage must not get
 * every worker restarted (they reconnect by themselves). `GET /readyz` (readiness): 200 when Redis
 * answers PING, else 503. Both report the served queues and the Redis status.
 */
export class HealthServer {
  private readonly server: Server;

  constructor(
    private readonly redis: RedisClient,
    private readonly queues: readonly string[],
    /** How long PING may take before Redis counts as down. Default 1000 ms. */
    private readonly pingTimeoutMs = 1000,
  ) {
    this.server = createServer((req, res) => {
      const live = req.url === "/healthz";
      if (req.method !== "GET" || (!live && req.url !== "/readyz")) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
        return;
      }
      void this.report().then((report) => {
        res
          .writeHead(live || report.status === "ok" ? 200 : 503, { "content-type": "application/json" })
          .end(JSON.stringify(live ? { ...report, status: "ok", ready: report.status === "ok" } : report));
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

  /**
   * Listens on `host:port`; if the port is taken (a second worker on the host) it falls back to a free
   * port, so the worker still starts. Resolves to the port in use (the caller logs it).
   */
  async listen(port: number, host = "127.0.0.1"): Promise<number> {
    try {
      return await this.bind(port, host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || port === 0) throw error;
      return this.bind(0, host);
    }
  }

  private bind(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
