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
  /** Where a failed read is reported (the app's logger). */
  log?: (source: string, error: unknown) => void;
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
  const recommendAnswers = new Counter({
    name: "tandem_recommend_answers_total",
    help: "Recommend answers by mode: precomputed, fresh (folded in), cold-start (unknown user), fallback (a known user not precomputed: popularity until its update-user job runs).",
    labelNames: ["mode"] as const,
    registers: [registry],
  });
  // prom-client serialises each metric right after its own collect(): every on-scrape metric awaits one
  // shared refresh, so all of them (and the error counter) show the same, finished, read.
  const tasks: (() => Promise<void>)[] = [];
  let inflight: Promise<void> | null = null;
  const refresh = () => {
    inflight ??= Promise.all(tasks.map((t) => t())).then(() => {});
    return inflight;
  };
  const scrapeErrors = new Counter({
    name: "tandem_metrics_scrape_errors_total",
    help: "Scrapes whose store or queue figures could not be read in time (those gauges are then absent).",
    labelNames: ["source"] as const,
    registers: [registry],
    collect: refresh,
  });
  const { store, queues, timeoutMs, log } = sources;
  const guarded = (source: string, work: () => Promise<void>) => async () => {
    try {
      await withDeadline(work(), timeoutMs, `metrics ${source}`);
    } catch (error) {
      scrapeErrors.inc({ source });
      log?.(source, error);
    }
  };
  if (store) tasks.push(guarded("store", liveVersionGauges(registry, store, refresh)));
  if (queues) tasks.push(guarded("queues", queueGauges(registry, queues, refresh)));
  /** The exposition text: one fresh read of the store and queues per call. */
  const scrape = () => {
    inflight = null;
    return registry.metrics();
  };
  return { registry, latency, authFailures, recommendAnswers, scrape };
}

/** Registers the live-version gauges; returns the read that fills them. */
function liveVersionGauges(registry: Registry, store: FeatureStore, collect: () => Promise<void>) {
  const gauge = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry], collect });
  const info = gauge("tandem_live_version_info", "1 for the version being served (label `version`).", [
    "version",
  ]);
  const age = gauge(
    "tandem_live_version_age_seconds",
    "Seconds since the live version's run started writing it.",
    ["version"],
  );
  const published = gauge(
    "tandem_live_version_published_timestamp_seconds",
    "When the live version was published (Unix seconds; Redis store).",
    ["version"],
  );
  const evaluation = gauge(
    "tandem_live_version_evaluation",
    "The nightly's held-out evaluation of the live version (what its quality gate compared), by metric.",
    ["metric"],
  );
  return async () => {
    for (const g of [info, age, published, evaluation]) g.reset();
    const version = await store.liveVersion();
    if (version === null) return;
    const [meta, publishedAt, evaluated] = await Promise.all([
      store.versionInfo(version),
      store.getMetadata("publishedAt"),
      store.getMetadata("evaluation"),
    ]);
    info.set({ version }, 1);
    if (meta) age.set({ version }, (Date.now() - meta.createdAt) / 1000);
    if (typeof publishedAt === "number") published.set({ version }, publishedAt / 1000);
    for (const [metric, value] of Object.entries((evaluated ?? {}) as Record<string, unknown>)) {
      if (typeof value === "number") evaluation.set({ metric }, value);
    }
  };
}

/** Registers the queue gauges; returns the read that fills them. */
function queueGauges(registry: Registry, queues: QueueStats, collect: () => Promise<void>) {
  const jobs = new Gauge({
    name: "tandem_queue_jobs",
    help: "BullMQ jobs by queue and state (waiting, active, delayed, failed = retained failures).",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    collect,
  });
  const stalled = new Gauge({
    name: "tandem_queue_stalled_events",
    help: "Jobs found stalled (their worker died) in the queue's retained event log.",
    labelNames: ["queue"] as const,
    registers: [registry],
    collect,
  });
  return async () => {
    jobs.reset();
    stalled.reset();
    for (const q of await queues.read()) {
      for (const [state, n] of Object.entries(q.counts)) jobs.set({ queue: q.name, state }, n);
      stalled.set({ queue: q.name }, q.stalled);
    }
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
