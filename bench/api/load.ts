import { Agent, request } from "node:http";

/** Latency percentiles in milliseconds, measured with hrtime (autocannon's histogram keeps whole ms). */
export interface LatencyStats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  rps: number;
  errors: number;
}

export interface Target {
  base: string;
  path: string;
  body: () => object;
}

function post(agent: Agent, target: Target): Promise<number> {
  const payload = JSON.stringify(target.body());
  return new Promise((resolve) => {
    const req = request(
      `${target.base}${target.path}`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(payload);
  });
}

function stats(latencies: number[], seconds: number, errors: number): LatencyStats {
  const s = Float64Array.from(latencies).sort();
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return {
    n: s.length,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: s[s.length - 1] ?? 0,
    rps: s.length / seconds,
    errors,
  };
}

/** One request at a time on one keep-alive connection: the unloaded latency distribution. */
export async function sequential(target: Target, seconds: number): Promise<LatencyStats> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    const status = await post(agent, target);
    latencies.push(performance.now() - t0);
    if (status !== 200) errors++;
  }
  agent.destroy();
  return stats(latencies, seconds, errors);
}

/**
 * Open loop at a fixed rate: request i is sent at i / rate whether or not earlier ones have answered, so
 * a stalled server builds a queue that later requests pay for. The sender wakes every millisecond (a busy
 * loop would take the core from redis-server), so latency counts from the actual send.
 */
export async function openLoop(target: Target, rate: number, seconds: number): Promise<LatencyStats> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  while (sent < total) {
    const now = performance.now();
    while (sent < total && start + (sent * 1000) / rate <= now) {
      sent++;
      const t0 = performance.now();
      inflight.push(
        post(agent, target).then((status) => {
          latencies.push(performance.now() - t0);
          if (status !== 200) errors++;
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
  agent.destroy();
  return stats(latencies, seconds, errors);
}
