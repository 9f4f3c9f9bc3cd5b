import { Agent, request } from "node:http";
import { markdownTable } from "@tandem/core";
import { EncodedGrpcClient } from "../../services/ranking-api/src/grpc/encoded-client.js";
import { type LatencyStats, openLoopOf } from "./load.js";
import type { PinnedServer } from "./servers.js";

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
}

export interface GrpcRow {
  route: string;
  http: TransportFigures;
  grpc: TransportFigures;
}

type Call = { http: string; grpc: "Recommend" | "Rank"; body: () => Record<string, unknown> };

const quantile = (xs: number[], p: number) => {
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

/**
 * The same load over both transports of one API process: open loop at `rate`, alternating 1 s blocks of
 * HTTP (keep-alive agent) and gRPC (`channels` connections), so both see the same moments of the machine.
 * The generator is equally lean on both: the same requests, built before the run (JSON strings, protobuf
 * bytes), and answers drained without decoding. Per transport: pooled and per-block percentiles, the
 * server's own handler time, and the CPU each side spends per request.
 */
export async function grpcVsHttp(
  server: PinnedServer,
  grpcAddress: string,
  calls: Record<string, Call>,
  rate: number,
  seconds: number,
  channels = 1,
): Promise<GrpcRow[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const grpc = new EncodedGrpcClient(grpcAddress, channels);
  const http = (path: string, payload: string) =>
    new Promise<boolean>((resolve) => {
      const req = request(
        `${server.base}${path}`,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => resolve(res.statusCode === 200));
        },
      );
      req.on("error", () => resolve(false));
      req.end(payload);
    });
  const rows: GrpcRow[] = [];
  try {
    for (const [route, c] of Object.entries(calls)) {
      // Enough distinct requests for the whole run, the same ones on both transports.
      const bodies = Array.from({ length: Math.ceil(rate * (seconds + 2)) }, c.body);
      const json = bodies.map((b) => JSON.stringify(b));
      const encode = EncodedGrpcClient.encoder(c.grpc);
      const bytes = bodies.map((b) => encode(b));
      let next = 0;
      const senders = {
        http: () => http(c.http, json[next++ % json.length]!),
        grpc: () => grpc.send(c.grpc, bytes[next++ % bytes.length]!),
      };
      const labels = { http: c.http, grpc: `/tandem.v1.Ranking/${c.grpc}` };
      // Warm both paths (JIT, connections) before measuring.
      for (const send of Object.values(senders)) await openLoopOf(send, rate, 1);
      const before = {
        http: await handlerTotals(server.base, labels.http),
        grpc: await handlerTotals(server.base, labels.grpc),
      };
      const acc = {
        http: { raw: [] as number[], p99s: [] as number[], errors: 0, server: 0, client: 0 },
        grpc: { raw: [] as number[], p99s: [] as number[], errors: 0, server: 0, client: 0 },
      };
      for (let block = 0; block < seconds; block++) {
        for (const t of ["http", "grpc"] as const) {
          server.resetProbe();
          const cpu = process.cpuUsage();
          const r = await openLoopOf(senders[t], rate, 1);
          const { user, system } = process.cpuUsage(cpu);
          const a = acc[t];
          a.server += (await server.readProbe()).cpuUs;
          a.client += user + system;
          a.raw.push(...r.raw!);
          a.p99s.push(r.p99);
          a.errors += r.errors;
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
          rps: n / seconds,
          errors: a.errors,
          blockP99Median: quantile(a.p99s, 0.5),
          handlerMeanMs: ((after.sum - before[t].sum) * 1000) / Math.max(1, after.count - before[t].count),
          meanMs: a.raw.reduce((s, x) => s + x, 0) / Math.max(1, n),
          serverCpuUs: a.server / Math.max(1, n),
          clientCpuUs: a.client / Math.max(1, n),
        };
      };
      rows.push({ route, http: await figures("http"), grpc: await figures("grpc") });
    }
  } finally {
    grpc.close();
    agent.destroy();
  }
  return rows;
}

export function renderGrpc(rows: GrpcRow[], rate: number, seconds: number): string {
  const f = (x: number | undefined) =>
    x === undefined || !Number.isFinite(x) ? "–" : x < 10 ? x.toFixed(2) : x.toFixed(1);
  const us = (x: number | undefined) => (x === undefined ? "–" : x.toFixed(0));
  const latency = markdownTable(
    [
      "Call",
      "HTTP p50 / p99 ms",
      "gRPC p50 / p99 ms",
      "gRPC p99 ÷ HTTP p99 (pooled)",
      "median block p99 HTTP / gRPC ms",
      "errors HTTP / gRPC",
      "requests each",
    ],
    rows.map((r) => [
      r.route,
      `${f(r.http.p50)} / ${f(r.http.p99)}`,
      `${f(r.grpc.p50)} / ${f(r.grpc.p99)}`,
      `${(r.grpc.p99 / r.http.p99).toFixed(2)}×`,
      `${f(r.http.blockP99Median)} / ${f(r.grpc.blockP99Median)}`,
      `${r.http.errors} / ${r.grpc.errors}`,
      String(Math.min(r.http.n, r.grpc.n)),
    ]),
  );
  const cost = markdownTable(
    [
      "Call",
      "mean seen HTTP / gRPC ms",
      "in the handler HTTP / gRPC ms",
      "API CPU per request HTTP / gRPC µs",
      "generator CPU per request HTTP / gRPC µs",
    ],
    rows.map((r) => [
      r.route,
      `${f(r.http.meanMs)} / ${f(r.grpc.meanMs)}`,
      `${f(r.http.handlerMeanMs)} / ${f(r.grpc.handlerMeanMs)}`,
      `${us(r.http.serverCpuUs)} / ${us(r.grpc.serverCpuUs)}`,
      `${us(r.http.clientCpuUs)} / ${us(r.grpc.clientCpuUs)}`,
    ]),
  );
  return `### gRPC next to HTTP (one API process on core 1; ${rate} req/s open loop, ${seconds} s each, alternating 1 s blocks)\n\n${latency}\n\nWhere the time goes (same run):\n\n${cost}`;
}
