/**
 * CPU per call of each transport, on both sides, robust to a loaded machine (`process.cpuUsage()` over
 * N calls, not wall time): the server (transport-server.ts, core 1) around an engine that answers at once,
 * and this client (core 0) with the bench's lean senders. Alternating rounds; medians printed.
 * `node --import tsx bench/api/transport-cost.ts [calls per round=4000] [rounds=4]`.
 */
import { freePort } from "@tandem/store/testing";
import { quantile } from "./grpc-vs-http.js";
import { leanSenders } from "./senders.js";
import { PinnedServer, pin } from "./servers.js";

const [calls = 4000, rounds = 4] = process.argv.slice(2).map(Number);
const CONCURRENCY = 4;
pin(process.pid, 0);
const [port, grpcPort] = [await freePort(), await freePort()];
const server = await PinnedServer.start(
  1,
  [
    ...(process.env["SERVER_NODE_ARGS"]?.split(" ") ?? []),
    "--import",
    "tsx",
    new URL("./transport-server.ts", import.meta.url).pathname,
  ],
  { PORT: String(port), GRPC_PORT: String(grpcPort) },
  port,
);
const senders = leanSenders(server.base, `127.0.0.1:${grpcPort}`, {
  client: process.env["CLIENT"] === "grpc-js" ? "grpc-js" : "raw",
});
const bodies = Array.from({ length: 1000 }, (_, i) => ({
  userId: String(i),
  itemIds: Array.from({ length: 100 }, (_, j) => String((i * 7 + j * 13) % 9000)),
  k: 10,
}));
const out: Record<string, { server: number[]; client: number[] }> = {};
try {
  for (const [route, method, body] of [
    ["/v1/recommend", "Recommend", (i: number) => ({ userId: String(i), k: 10 })],
    ["/v1/rank", "Rank", (i: number) => bodies[i % bodies.length]!],
  ] as const) {
    const send = senders.prepare(
      route,
      method,
      Array.from({ length: 1000 }, (_, i) => body(i)),
    );
    for (let round = -1; round < rounds; round++) {
      for (const t of ["http", "grpc"] as const) {
        server.resetProbe();
        const cpu = process.cpuUsage();
        let next = 0;
        let failed = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < calls) {
              next++;
              if (!(await send[t]())) failed++;
            }
          }),
        );
        const { user, system } = process.cpuUsage(cpu);
        const { cpuUs } = await server.readProbe();
        if (failed > 0) throw new Error(`${failed} failed ${t} calls`);
        if (round < 0) continue; // warm-up
        const key = `${method} ${t}`;
        out[key] ??= { server: [], client: [] };
        out[key].server.push(cpuUs / calls);
        out[key].client.push((user + system) / calls);
      }
    }
  }
  for (const [key, v] of Object.entries(out))
    process.stdout.write(
      `${key.padEnd(16)} server ${quantile(v.server, 0.5).toFixed(0)} µs/call, client ${quantile(v.client, 0.5).toFixed(0)} µs/call (rounds: server ${v.server.map((x) => x.toFixed(0)).join(" ")})\n`,
    );
} finally {
  senders.close();
  await server.stop();
}
