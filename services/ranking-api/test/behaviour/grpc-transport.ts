import { GrpcCallError, RankingGrpcClient } from "../../src/grpc/index.js";
import type { Outcome, Transport } from "./transport.js";

/** The suite's gRPC side: the typed gRPC client of proto/ranking.proto. */
export function grpcTransport(address: string): Transport {
  const client = new RankingGrpcClient(address, { deadlineMs: 5000 });
  const outcome = async <T>(work: Promise<T>): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await work };
    } catch (error) {
      if (!(error instanceof GrpcCallError)) throw error;
      return { ok: false, code: error.code, message: error.details, issues: error.issues };
    }
  };
  const names = { recommend: "Recommend", rank: "Rank", similar: "Similar", ingest: "Ingest" };
  const opts = (key?: string) => (key === undefined ? {} : { apiKey: key });
  return {
    route: (method) => `/tandem.v1.Ranking/${names[method]}`,
    recommend: (body, key) => outcome(client.recommend(body, opts(key))),
    rank: (body, key) => outcome(client.rank(body, opts(key))),
    similar: (itemId, k, key) => outcome(client.similar(itemId, k === undefined ? {} : { k }, opts(key))),
    ingest: (events, key) => outcome(client.ingest(events, opts(key))),
    close: () => client.close(),
  };
}
