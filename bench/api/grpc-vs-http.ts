import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { pairedTest } from "@tandem/eval";
import { type LatencyStats, openLoopOf } from "./load.js";
import { leanSenders } from "./senders.js";
import type { PinnedServer } from "./servers.js";

/** One 1 s block of one transport: its latency, and the stalls on either side during it (ms). */
export interface BlockFigures {
  p50: number;
  p99: number;
  max: number;
  /** Longest event-loop delay and GC pause of the API process. */
  apiStallMs: number;
  apiGcMaxMs: number;
  /** Mark-sweep-compact pauses of the API in the block. */
  apiMajorGcs: number;
  /** The same in this load generator. */
  genStallMs: number;
  genGcMaxMs: number;
}

/** One transport's figures over all its blocks. */
export interface TransportFigures extends LatencyStats {
  /** Median over the blocks of each block's p99 (robust to one block hit by a neighbour's burst). */
  blockP99Median?: number;
  /** Mean time inside the server's handler (the shared latency histogram), ms. */
  handlerMeanMs?: number;
  /** Mean latency the generator saw, ms; minus handlerMeanMs = what the transport itself costs. */
  meanMs?: number;
  /** CPU per request (µs): the API process (core 1) and this load generator (core 0, with redis). */
  serverCpuUs?: number;
  clientCpuUs?: number;
  blocks?: BlockFigures[];
}

/** gRPC's block p99 over HTTP's in the same pair of blocks: geometric mean, its 95% CI, sign-flip p. */
export interface PairedRatio {
  ratio: number;
  lo: number;
  hi: number;
  p: number;
  pairs: number;
}

export interface GrpcRow {
  route: string;
  http: TransportFigures;
  grpc: TransportFigures;
  /** Absent in rows saved before the paired design. */
  paired?: PairedRatio;
}

/** One compared call: the HTTP path, the gRPC method, and the requests (the same ones on both). */
export type Call = { http: string; grpc: "Recommend" | "Rank"; bodies: Record<string, unknown>[] };

export const quantile = (xs: ArrayLike<number>, p: number) => {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
};

/** Sum and count of the shared latency histogram for one route label, from /metrics. */
async function handlerTotals(base: string, route: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const total = (what: string) => {
    let t = 0;
    for (const line of text.split("\n"))
      if (
        line.startsWith(`tandem_http_request_duration_seconds_${what}{`) &&
        line.includes(`route="${route}"`)
      )
        t += Number(line.slice(line.lastIndexOf(" ") + 1));
    return t;
  };
  return { sum: total("sum"), count: total("count") };
}

/** This process's own stalls (event-loop delay, GC), reset per block. */
function ownStalls() {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let gcMax = 0;
  let major = 0;
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMax = Math.max(gcMax, e.duration);
      count++;
      if ((e as { detail?: { kind?: number } }).detail?.kind === 2) major++;
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  return {
    reset: () => {
      delay.reset();
      gcMax = 0;
      major = 0;
      count = 0;
    },
    read: () => ({ stallMs: delay.max / 1e6, gcMaxMs: gcMax, major, count }),
    stop: () => {
      delay.disable();
      observer.disconnect();
    },
  };
}

export interface GrpcLoadOptions {
  rate: number;
  /** Pairs of 1 s blocks per call. */
  blocks: number;
  /** gRPC connections, used in turn (default 1). */
  channels?: number;
  /** The generator's gRPC client: bare node:http2 streams (default, as lean as its HTTP side) or grpc-js. */
  client?: "raw" | "grpc-js";
  /** Receives one line per block. */
  trace?: (line: string) => void;
}

/** Paired comparison of block p99s (log scale: a ratio, and a stall doubles either side alike). */
export function pairedRatio(grpc: number[], http: number[]): PairedRatio {
  const t = pairedTest(grpc.map(Math.log), http.map(Math.log), { seed: 16 });
  return { ratio: Math.exp(t.difference), lo: Math.exp(t.lo), hi: Math.exp(t.hi), p: t.p, pairs: t.users };
}

/**
 * The same load over both transports of one API process: open loop at `rate`, `blocks` pairs of 1 s
 * blocks (HTTP then gRPC, and gRPC then HTTP in every other pair, so neither always follows the other),
 * so both see the same moments of the machine. The generator is equally lean on both: the same requests,
 * built before the run (JSON strings, protobuf bytes), and answers drained without decoding. Per
 * transport: pooled and per-block percentiles, the server's own handler time, the CPU each side spends per
 * request; per call, the paired ratio of block p99s.
 */
export async function grpcVsHttp(
  server: PinnedServer,
  grpcAddress: string,
  calls: Record<string, Call>,
  options: GrpcLoadOptions,
): Promise<GrpcRow[]> {
  const { rate, blocks, trace } = options;
  const senders = leanSenders(server.base, grpcAddress, options);
  const own = ownStalls();
  const rows: GrpcRow[] = [];
  try {
    for (const [route, c] of Object.entries(calls)) {
      const send = senders.prepare(c.http, c.grpc, c.bodies);
      const labels = { http: c.http, grpc: `/tandem.v1.Ranking/${c.grpc}` };
      // Warm both paths (JIT, connections) before measuring.
      for (const t of [send.http, send.grpc]) await openLoopOf(t, rate, 1);
      const before = {
        http: await handlerTotals(server.base, labels.http),
        grpc: await handlerTotals(server.base, labels.grpc),
      };
      const empty = () => ({
        raw: [] as number[],
        blocks: [] as BlockFigures[],
        errors: 0,
        server: 0,
        client: 0,
      });
      const acc = { http: empty(), grpc: empty() };
      for (let pair = 0; pair < blocks; pair++) {
        const order = pair % 2 === 0 ? (["http", "grpc"] as const) : (["grpc", "http"] as const);
        for (const t of order) {
          server.resetProbe();
          own.reset();
          const cpu = process.cpuUsage();
          const r = await openLoopOf(send[t], rate, 1);
          const { user, system } = process.cpuUsage(cpu);
          const probe = await server.readProbe();
          const mine = own.read();
          const a = acc[t];
          a.server += probe.cpuUs;
          a.client += user + system;
          a.raw.push(...r.raw!);
          a.errors += r.errors;
          const block: BlockFigures = {
            p50: r.p50,
            p99: r.p99,
            max: r.max,
            apiStallMs: probe.eld.max,
            apiGcMaxMs: probe.gc.maxMs,
            apiMajorGcs: probe.gc.major ?? 0,
            genStallMs: mine.stallMs,
            genGcMaxMs: mine.gcMaxMs,
          };
          a.blocks.push(block);
          trace?.(
            `${route} ${t} ${pair}: p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(1)} max ${r.max.toFixed(1)} ms | api stall ${block.apiStallMs.toFixed(1)} gc ${block.apiGcMaxMs.toFixed(1)} (${block.apiMajorGcs} major) | generator stall ${block.genStallMs.toFixed(1)} gc ${block.genGcMaxMs.toFixed(1)} (${mine.count} pauses, ${mine.major} major)`,
          );
        }
      }
      const figures = async (t: "http" | "grpc"): Promise<TransportFigures> => {
        const a = acc[t];
        const after = await handlerTotals(server.base, labels[t]);
        const n = a.raw.length;
        return {
          n,
          p50: quantile(a.raw, 0.5),
          p90: quantile(a.raw, 0.9),
          p99: quantile(a.raw, 0.99),
          max: Math.max(...a.raw),
          rps: n / blocks,
          errors: a.errors,
          blockP99Median: quantile(
            a.blocks.map((b) => b.p99),
            0.5,
          ),
          handlerMeanMs: ((after.sum - before[t].sum) * 1000) / Math.max(1, after.count - before[t].count),
          meanMs: a.raw.reduce((s, x) => s + x, 0) / Math.max(1, n),
          serverCpuUs: a.server / Math.max(1, n),
          clientCpuUs: a.client / Math.max(1, n),
          blocks: a.blocks,
        };
      };
      const h = await figures("http");
      const g = await figures("grpc");
      const p99s = (f: TransportFigures) => f.blocks!.map((b) => b.p99);
      rows.push({ route, http: h, grpc: g, paired: pairedRatio(p99s(g), p99s(h)) });
    }
  } finally {
    own.stop();
    senders.close();
  }
  return rows;
}
