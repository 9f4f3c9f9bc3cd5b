import { type Client, credentials, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import type { EventInput, RankInput, RecommendInput, Responses, ScoredItem } from "@tandem/api-contract";
import { loadRanking } from "./proto.js";

/** A failed gRPC call: the gRPC status, and the Tandem code and issues from the trailing metadata. */
export class GrpcCallError extends Error {
  constructor(
    readonly grpcCode: status,
    /** The server's Tandem code (`tandem-error`), or the gRPC status name when the server sent none. */
    readonly code: string,
    /** The server's message (the same text as the HTTP error body's). */
    readonly details: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(`${code}: ${details}`);
    this.name = "GrpcCallError";
  }
}

export interface GrpcCallOptions {
  apiKey?: string;
  /** This call's deadline in ms (default: the client's). */
  deadlineMs?: number;
}

type Unary = (
  request: unknown,
  metadata: Metadata,
  options: { deadline: Date },
  callback: (error: ServiceError | null, response: unknown) => void,
) => void;

/** Explanations are a proto map: absent on HTTP unless asked, empty here; dropped when empty. */
const items = (list: ScoredItem[]) =>
  list.map(({ explanation, ...item }) =>
    explanation && Object.keys(explanation).length > 0 ? { ...item, explanation } : item,
  );

/** A typed promise client of proto/ranking.proto (tests, the benchmark, TypeScript integrators). */
export class RankingGrpcClient {
  private readonly client: Client & Record<string, Unary>;

  constructor(
    address: string,
    private readonly defaults: { apiKey?: string; deadlineMs?: number } = {},
  ) {
    const Service = loadRanking(true);
    // No channelz (call tracking for an introspection service nobody queries here): a few µs a call.
    this.client = new Service(address, credentials.createInsecure(), {
      "grpc.enable_channelz": 0,
    }) as unknown as Client & Record<string, Unary>;
  }

  async recommend(request: RecommendInput, options?: GrpcCallOptions): Promise<Responses["recommend"]> {
    const r = await this.call<Responses["recommend"]>("Recommend", request, options);
    return { ...r, items: items(r.items) };
  }

  async rank(request: RankInput, options?: GrpcCallOptions): Promise<Responses["rank"]> {
    const r = await this.call<Responses["rank"]>("Rank", request, options);
    return { ...r, items: items(r.items) };
  }

  async similar(
    itemId: string,
    query: { k?: number } = {},
    options?: GrpcCallOptions,
  ): Promise<Responses["similar"]> {
    const r = await this.call<Responses["similar"]>("Similar", { itemId, ...query }, options);
    return { ...r, items: items(r.items) };
  }

  ingest(events: EventInput[], options?: GrpcCallOptions): Promise<Responses["ingest"]> {
    return this.call("Ingest", { events }, options);
  }

  close(): void {
    this.client.close();
  }

  private call<T>(method: string, request: unknown, options: GrpcCallOptions = {}): Promise<T> {
    const metadata = new Metadata();
    const key = options.apiKey ?? this.defaults.apiKey;
    if (key !== undefined) metadata.set("x-api-key", key);
    const deadline = new Date(Date.now() + (options.deadlineMs ?? this.defaults.deadlineMs ?? 2000));
    const unary = this.client[method] as Unary;
    return new Promise((resolve, reject) =>
      unary.call(this.client, request, metadata, { deadline }, (error, response) => {
        if (!error) return resolve(response as T);
        const code = error.metadata?.get("tandem-error")[0];
        const issues = error.metadata?.get("tandem-issues")[0];
        reject(
          new GrpcCallError(
            error.code,
            typeof code === "string" ? code : (status[error.code] ?? "UNKNOWN"),
            error.details,
            typeof issues === "string" ? JSON.parse(issues) : [],
          ),
        );
      }),
    );
  }
}
