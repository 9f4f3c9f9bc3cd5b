import { withDeadline } from "@tandem/serving";
import type { FeatureStore } from "@tandem/store";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { QueueStats } from "./queue-stats.js";

/** What /metrics reads on scrape, besides the in-process figures. Both optional (embedded store: no queues). */
export interface MetricsSources {
  store?: FeatureStore;
  queues?: QueueStats;
  /** Each scrape gives up on the store and queues after this long (config api.metricsTimeoutMs). */
  timeoutMs: number;
}

/**
 * Prometheus metrics of one app instance: a latency histogram per route, the process defaults, and, read
 * on scrape (never on the request path), the live version and the pipeline's queues.
 */
export function createMetrics(sources: MetricsSources = { timeoutMs: 1000 }) {
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
  const authFailures = new Counter({
    name: "tandem_auth_failures_total",
    help: "Requests refused for a missing or unknown key (rate limited: reason=limited).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const scrapeErrors = new Counter({
    name: "tandem_metrics_scrape_errors_total",
    help: "Scrapes whose store or queue figures could not be read in time (those gauges are then absent).",
    labelNames: ["source"] as const,
    registers: [registry],
  });
  const { store, queues, timeoutMs } = sources;
  const guarded = async (source: string, work: () => Promise<void>) => {
    try {
      await withDeadline(work(), timeoutMs, `metrics ${source}`);
    } catch {
      scrapeErrors.inc({ source });
      throw new Error("skip");
    }
  };
  if (store) liveVersionGauges(registry, store, guarded);
  if (queues) queueGauges(registry, queues, guarded);
  return { registry, latency, authFailures };
}

type Guarded = (source: string, work: () => Promise<void>) => Promise<void>;

function liveVersionGauges(registry: Registry, store: FeatureStore, guarded: Guarded) {
  const age = new Gauge({
    name: "tandem_live_version_age_seconds",
    help: "Seconds since the live version's run started writing it.",
    registers: [registry],
  });
  const published = new Gauge({
    name: "tandem_live_version_published_timestamp_seconds",
    help: "When the live version was published (Unix seconds; Redis store).",
    registers: [registry],
  });
  const evaluation = new Gauge({
    name: "tandem_live_version_evaluation",
    help: "The nightly's held-out evaluation of the live version (what its quality gate compared), by metric.",
    labelNames: ["metric"] as const,
    registers: [registry],
  });
  const info: Gauge<"version"> = new Gauge({
    name: "tandem_live_version_info",
    help: "1 for the version being served (label `version`).",
    labelNames: ["version"] as const,
    registers: [registry],
    // One read per scrape fills the four gauges.
    collect: async () => {
      await collect();
    },
  });
  const collect = async () => {
    info.reset();
    age.reset();
    published.reset();
    evaluation.reset();
    await guarded("store", async () => {
      const version = await store.liveVersion();
      if (version === null) return;
      const [meta, publishedAt, evaluated] = await Promise.all([
        store.versionInfo(version),
        store.getMetadata("publishedAt").catch(() => null),
        store.getMetadata("evaluation"),
      ]);
      info.set({ version }, 1);
      if (meta) age.set((Date.now() - meta.createdAt) / 1000);
      if (typeof publishedAt === "number") published.set(publishedAt / 1000);
      for (const [metric, value] of Object.entries((evaluated ?? {}) as Record<string, unknown>)) {
        if (typeof value === "number") evaluation.set({ metric }, value);
      }
    }).catch(() => {});
  };
}

function queueGauges(registry: Registry, queues: QueueStats, guarded: Guarded) {
  const stalled = new Gauge({
    name: "tandem_queue_stalled_events",
    help: "Jobs found stalled (their worker died) in the queue's retained event log.",
    labelNames: ["queue"] as const,
    registers: [registry],
  });
  const jobs: Gauge<"queue" | "state"> = new Gauge({
    name: "tandem_queue_jobs",
    help: "BullMQ jobs by queue and state (waiting, active, delayed, failed = retained failures).",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    collect: async () => {
      jobs.reset();
      stalled.reset();
      await guarded("queues", async () => {
        for (const q of await queues.read()) {
          for (const [state, n] of Object.entries(q.counts)) jobs.set({ queue: q.name, state }, n);
          stalled.set({ queue: q.name }, q.stalled);
        }
      }).catch(() => {});
    },
  });
}

export type Metrics = ReturnType<typeof createMetrics>;
