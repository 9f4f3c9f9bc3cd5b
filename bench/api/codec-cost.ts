/**
 * CPU per message of the gRPC server's codecs in one process: proto-loader's (protobufjs fromObject +
 * encode, decode + toObject) against the direct ones the server uses (services/ranking-api/src/grpc:
 * response-encoder.ts, rank-request-decoder.ts), on the bench's shapes (10-item answers, a 100-id rank
 * request; 100-item answers as the large case). Alternating rounds, `process.cpuUsage()` per round,
 * medians and the median per-round ratio printed: robust to a loaded machine as wall time is not.
 * `node --import tsx bench/api/codec-cost.ts [messages per round=20000] [rounds=7]`.
 */
import { loadRanking } from "../../services/ranking-api/src/grpc/proto.js";
import { decodeRankRequest } from "../../services/ranking-api/src/grpc/rank-request-decoder.js";
import { responseEncoders } from "../../services/ranking-api/src/grpc/response-encoder.js";
import { quantile } from "./grpc-vs-http.js";

const [perRound = 20000, rounds = 7] = process.argv.slice(2).map(Number);
const server = loadRanking(false).service;
const client = loadRanking(true).service;
const answer = (n: number) => ({
  userId: "123",
  version: "v1733",
  items: Array.from({ length: n }, (_, i) => ({
    itemId: String(1000 + 37 * i),
    score: 1 / (i + 1),
    sources: ["mf", "co-occurrence"],
  })),
  unknownItems: [],
});
const rankRequest = client.Rank!.requestSerialize({
  userId: "123",
  itemIds: Array.from({ length: 100 }, (_, j) => String((7 + j * 13) % 9000)),
  k: 10,
});
const cases: [string, () => unknown, () => unknown][] = [
  ...[10, 100].map((n): [string, () => unknown, () => unknown] => {
    const a = answer(n);
    return [
      `encode Rank answer, ${n} items`,
      () => server.Rank!.responseSerialize(a),
      () => responseEncoders.Rank(a as never),
    ];
  }),
  [
    "decode Rank request, 100 ids",
    () => server.Rank!.requestDeserialize(rankRequest),
    () => decodeRankRequest(rankRequest),
  ],
];
const cpuPer = (work: () => unknown) => {
  const start = process.cpuUsage();
  for (let i = 0; i < perRound; i++) work();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / perRound;
};
for (const [name, reference, direct] of cases) {
  const ref: number[] = [];
  const dir: number[] = [];
  for (let round = -1; round < rounds; round++) {
    // Order alternates per round, so neither side always runs on a warmer cache.
    let r: number;
    let d: number;
    if (round % 2 === 0) {
      r = cpuPer(reference);
      d = cpuPer(direct);
    } else {
      d = cpuPer(direct);
      r = cpuPer(reference);
    }
    if (round < 0) continue; // warm-up
    ref.push(r);
    dir.push(d);
  }
  const ratio = quantile(
    dir.map((d, i) => d / ref[i]!),
    0.5,
  );
  process.stdout.write(
    `${name.padEnd(30)} proto-loader ${quantile(ref, 0.5).toFixed(2)} µs, direct ${quantile(dir, 0.5).toFixed(2)} µs (direct ÷ proto-loader per round, median ${ratio.toFixed(2)})\n`,
  );
}
