import { Agent, request } from "node:http";
import { markdownTable } from "@tandem/core";
import { RankingGrpcClient } from "../../services/ranking-api/src/grpc/index.js";
import { interleavedOf, type LatencyStats } from "./load.js";

export interface GrpcRow {
  route: string;
  http: LatencyStats;
  grpc: LatencyStats;
}

type Call = { http: string; grpc: "recommend" | "rank"; body: () => Record<string, unknown> };

/**
 * The same load over both transports of one API process: open loop at `rate`, alternating 1 s blocks
 * of HTTP (keep-alive) and gRPC (one channel), so both see the same moments of the machine.
 */
export async function grpcVsHttp(
  httpBase: string,
  grpcAddress: string,
  calls: Record<string, Call>,
  rate: number,
  seconds: number,
): Promise<GrpcRow[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const grpc = new RankingGrpcClient(grpcAddress, { deadlineMs: 30_000 });
  const http = (path: string, body: object) =>
    new Promise<boolean>((resolve) => {
      const payload = JSON.stringify(body);
      const req = request(
        `${httpBase}${path}`,
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
      const viaGrpc = () =>
        (c.grpc === "recommend" ? grpc.recommend(c.body() as never) : grpc.rank(c.body() as never)).then(
          () => true,
          () => false,
        );
      // Warm both paths (JIT, connections) before measuring.
      await interleavedOf([() => http(c.http, c.body()), viaGrpc], rate, 2);
      const [h, g] = await interleavedOf([() => http(c.http, c.body()), viaGrpc], rate, seconds);
      rows.push({ route, http: h!, grpc: g! });
    }
  } finally {
    grpc.close();
    agent.destroy();
  }
  return rows;
}

export function renderGrpc(rows: GrpcRow[], rate: number, seconds: number): string {
  const f = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
  const table = markdownTable(
    [
      "Call",
      "HTTP p50 / p99 ms",
      "gRPC p50 / p99 ms",
      "gRPC p99 ÷ HTTP p99",
      "errors HTTP / gRPC",
      "requests each",
    ],
    rows.map((r) => [
      r.route,
      `${f(r.http.p50)} / ${f(r.http.p99)}`,
      `${f(r.grpc.p50)} / ${f(r.grpc.p99)}`,
      `${(r.grpc.p99 / r.http.p99).toFixed(2)}×`,
      `${r.http.errors} / ${r.grpc.errors}`,
      String(Math.min(r.http.n, r.grpc.n)),
    ]),
  );
  return `### gRPC next to HTTP (one API process on core 1; ${rate} req/s open loop, ${seconds} s each, alternating 1 s blocks)\n\n${table}`;
}
