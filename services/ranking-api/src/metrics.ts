import { collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Prometheus metrics of one app instance: a latency histogram per route plus the process defaults. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const latency = new Histogram({
    name: "tandem_http_request_duration_seconds",
    help: "Request latency by route, method and status.",
    labelNames: ["route", "method", "status"] as const,
    // Fine buckets below 10 ms: the latency budget lives there.
    buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  return { registry, latency };
}

export type Metrics = ReturnType<typeof createMetrics>;
