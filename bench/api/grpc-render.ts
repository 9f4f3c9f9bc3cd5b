import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { markdownTable } from "@tandem/core";
import { machine } from "../machine.js";
import { type GrpcRow, quantile, type TransportFigures } from "./grpc-vs-http.js";

const f = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? "–" : x < 10 ? x.toFixed(2) : x.toFixed(1);
const us = (x: number | undefined) => (x === undefined ? "–" : x.toFixed(0));
const both = (r: GrpcRow, pick: (t: TransportFigures) => number | undefined, fmt = f) =>
  `${fmt(pick(r.http))} / ${fmt(pick(r.grpc))}`;
/** Median over a transport's blocks of one per-block figure (absent in rows saved before blocks). */
const blockMedian = (
  t: TransportFigures,
  pick: (b: NonNullable<TransportFigures["blocks"]>[number]) => number,
) => (t.blocks ? quantile(t.blocks.map(pick), 0.5) : undefined);

const DESIGN = `One API process serves both transports on core 1 (\`taskset -c 1\`); the load generator, a process of
its own holding only the prebuilt requests (bench/api/grpc-generator.ts), and redis-server share core 0. Per
call, pairs of 1 s open-loop blocks at the same rate, HTTP first in even pairs and gRPC first in odd ones, the
same requests on both (JSON strings, protobuf bytes), answers drained undecoded. The comparison is over
blocks: each pair gives one ratio of block p99s, and the table gives their geometric mean with a bootstrap
95% CI and the sign-flip test's p (\`pairedTest\` of @tandem/eval on log p99s). CPU per request is
\`process.cpuUsage()\` over each block, on each side.`;

/** How to read the tables (the figures change per run; the design does not). */
const READING = `**Reading.** The target (issue 16: gRPC p99 at least as low as HTTP's at 500 req/s, 100 candidates)
holds for a call when its block-p99 ratio is ≤ 1×; it is shown to hold when the CI's upper end is ≤ 1×, and
shown to fail when its lower end is > 1× (paired p < 0.05). A ratio inside a CI that spans 1× is a tie at
this number of blocks. Stalls: a block whose p99 is far above its p50 should show a long event-loop delay
in the API or the generator in the same row of the per-block trace (\`BENCH_API_GRPC_TRACE=1\`); GC pauses are
listed there too, with the number of mark-sweep-compacts. Only the latency columns depend on the machine being
quiet; CPU per request (both sides) holds under load. Per-call transport CPU without Redis or ranking:
\`node --import tsx bench/api/transport-cost.ts\` (the same lean senders, an engine that answers at once);
the server's protobuf codecs alone (proto-loader's against the direct ones it uses):
\`node --import tsx bench/api/codec-cost.ts\`.`;

/** The gRPC-vs-HTTP tables: latency with the paired block comparison, then where the time goes. */
export function renderGrpc(rows: GrpcRow[], rate: number, blocks: number): string {
  const latency = markdownTable(
    [
      "Call",
      "HTTP p50 / p99 ms",
      "gRPC p50 / p99 ms",
      "median block p99 HTTP / gRPC ms",
      "gRPC ÷ HTTP block p99 (95% CI)",
      "paired p",
      "errors HTTP / gRPC",
      "requests each",
    ],
    rows.map((r) => [
      r.route,
      `${f(r.http.p50)} / ${f(r.http.p99)}`,
      `${f(r.grpc.p50)} / ${f(r.grpc.p99)}`,
      both(r, (t) => t.blockP99Median),
      r.paired
        ? `${r.paired.ratio.toFixed(2)}× (${r.paired.lo.toFixed(2)}–${r.paired.hi.toFixed(2)})`
        : `${(r.grpc.p99 / r.http.p99).toFixed(2)}× (pooled)`,
      r.paired ? r.paired.p.toFixed(3) : "–",
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
      "longest API stall per block HTTP / gRPC ms (median)",
      "longest generator stall per block HTTP / gRPC ms (median)",
    ],
    rows.map((r) => [
      r.route,
      both(r, (t) => t.meanMs),
      both(r, (t) => t.handlerMeanMs),
      both(r, (t) => t.serverCpuUs, us),
      both(r, (t) => t.clientCpuUs, us),
      both(r, (t) => blockMedian(t, (b) => b.apiStallMs)),
      both(r, (t) => blockMedian(t, (b) => b.genStallMs)),
    ]),
  );
  return `### gRPC next to HTTP (one API process on core 1; ${rate} req/s open loop, ${blocks} pairs of 1 s blocks per call, order alternating)\n\n${latency}\n\nWhere the time goes (same run; a stall is the longest event-loop delay in a block):\n\n${cost}`;
}

/** Rewrites bench/results/grpc.md: command, machine, date and load average, the tables, the reading. */
export function writeGrpcSection(rows: GrpcRow[], rate: number, blocks: number, loadBefore: number): void {
  const header = [
    "## Ranking API: gRPC next to HTTP (issue 16)",
    "",
    `Command: \`BENCH_API_GRPC_ONLY=1 pnpm bench api\` (or the whole \`pnpm bench api\`) · Machine: ${machine()} · Date: ${new Date().toISOString().slice(0, 10)} · Load average (1 min) ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`,
  ].join("\n");
  const body = [header, DESIGN, renderGrpc(rows, rate, blocks), READING].join("\n\n");
  writeFileSync(join(import.meta.dirname, "..", "results", "grpc.md"), `${body.trim()}\n`);
}
