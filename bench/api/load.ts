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
  /** The samples, kept only to merge blocks (not saved). */
  raw?: number[];
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

/**
 * One request at a time, alternating between the targets (one keep-alive connection each), so each
 * sees the same moments of a shared machine: the unloaded latency distribution of each.
 */
export async function sequential(targets: Target[], seconds: number): Promise<LatencyStats[]> {
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const latencies = targets.map((): number[] => []);
  const errors = targets.map(() => 0);
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let t = 0; t < targets.length; t++) {
      const t0 = performance.now();
      const status = await post(agents[t]!, targets[t]!);
      latencies[t]!.push(performance.now() - t0);
      if (status !== 200) errors[t]!++;
    }
  }
  for (const a of agents) a.destroy();
  return targets.map((_, t) => stats(latencies[t]!, seconds / targets.length, errors[t]!));
}

/** Open loop on each target in turn, in blocks of `blockS` seconds, until each had `seconds`. */
export async function interleavedOpenLoop(
  targets: Target[],
  rate: number,
  seconds: number,
  blockS = 1,
): Promise<LatencyStats[]> {
  const parts = targets.map((): LatencyStats[] => []);
  for (let done = 0; done < seconds; done += blockS) {
    for (let t = 0; t < targets.length; t++) parts[t]!.push(await openLoop(targets[t]!, rate, blockS));
  }
  return parts.map((p) => merge(p, seconds));
}

function merge(parts: LatencyStats[], seconds: number): LatencyStats {
  const all = parts.flatMap((p) => p.raw ?? []);
  return stats(
    all,
    seconds,
    parts.reduce((s, p) => s + p.errors, 0),
  );
}

/**
 * Open loop at a fixed rate: request i is sent at i / rate whether or not earlier ones have answered, so
 * a stalled server builds a queue that later requests pay for. The sender wakes every millisecond (a busy
 * loop would take the core from redis-server), so latency counts from the actual send.
 */
export async function openLoop(target: Target, rate: number, seconds: number): Promise<LatencyStats> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const out = await openLoopOf(async () => (await post(agent, target)) === 200, rate, seconds);
  agent.destroy();
  return out;
}

/** The open loop over any sender (resolves true for a successful answer), e.g. a gRPC call. */
export async function openLoopOf(
  send: () => Promise<boolean>,
  rate: number,
  seconds: number,
): Promise<LatencyStats> {
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
        send().then((ok) => {
          latencies.push(performance.now() - t0);
          if (!ok) errors++;
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
  return { ...stats(latencies, seconds, errors), raw: latencies };
}

/** openLoopOf on each sender in turn, in blocks of `blockS` seconds, until each had `seconds`. */
export async function interleavedOf(
  senders: (() => Promise<boolean>)[],
  rate: number,
  seconds: number,
  blockS = 1,
): Promise<LatencyStats[]> {
  const parts = senders.map((): LatencyStats[] => []);
  for (let done = 0; done < seconds; done += blockS) {
    for (let t = 0; t < senders.length; t++) parts[t]!.push(await openLoopOf(senders[t]!, rate, blockS));
  }
  return parts.map((p) => merge(p, seconds));
}
