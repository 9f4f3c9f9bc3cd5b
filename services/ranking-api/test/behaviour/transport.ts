import type { EventInput, RankInput, RecommendInput, Responses } from "@tandem/api-contract";

/** A call's result, transport-neutral: the answer, or the Tandem code, message and field issues. */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; code: string; message: string; issues: { path: string; message: string }[] };

/** What the behaviour suite asks of a transport (HTTP, gRPC). */
export interface Transport {
  /** The route label its calls get in the latency histogram. */
  route(method: "recommend" | "rank" | "similar" | "ingest"): string;
  recommend(body: RecommendInput, key?: string): Promise<Outcome<Responses["recommend"]>>;
  rank(body: RankInput, key?: string): Promise<Outcome<Responses["rank"]>>;
  similar(itemId: string, k: number | undefined, key?: string): Promise<Outcome<Responses["similar"]>>;
  ingest(events: EventInput[], key?: string): Promise<Outcome<Responses["ingest"]>>;
  close(): void;
}
