import {
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
  status,
} from "@grpc/grpc-js";
import type { TandemConfig } from "@tandem/core";
import type { Metrics } from "../metrics.js";
import type { Caller, RankingOperations } from "../operations.js";
import { GrpcAuthorizer } from "./grpc-auth.js";
import { toGrpcError } from "./grpc-status.js";
import { type GrpcMethod, grpcPath, loadRanking } from "./proto.js";
import { decodeRankRequest } from "./rank-request-decoder.js";
import { responseEncoders } from "./response-encoder.js";

export interface GrpcOptions {
  config: TandemConfig;
  /** The same operations object as the HTTP app's (rankingOperations). */
  ops: RankingOperations;
  /** The HTTP app's metrics: latency (route = the gRPC path, method GRPC, status = the gRPC code). */
  metrics: Metrics;
}

/**
 * The service with the hot messages read and written directly (bytes identical to proto-loader's, tested):
 * answers by responseEncoders, the rank request (100+ ids) by decodeRankRequest.
 */
function withDirectCodecs(service: ServiceDefinition): ServiceDefinition {
  const out: Record<string, ServiceDefinition[string]> = { ...service };
  for (const [method, encode] of Object.entries(responseEncoders))
    out[method] = { ...service[method]!, responseSerialize: encode as (value: unknown) => Buffer };
  out["Rank"] = { ...out["Rank"]!, requestDeserialize: decodeRankRequest };
  return out;
}

/** A timer may fire up to a millisecond before Date.now() reaches its due time. */
const TIMER_SLACK_MS = 2;

type Work = (call: ServerUnaryCall<Record<string, unknown>, unknown>) => Promise<unknown>;

/** The ranking service over gRPC (proto/ranking.proto): validation, keys, metrics and errors as HTTP. */
export class GrpcRankingServer {
  // Channelz (gRPC's introspection service, not served here) would track every call: a few µs each.
  private readonly server = new Server({ "grpc.enable_channelz": 0 });

  constructor(private readonly options: GrpcOptions) {
    const { ops, config } = options;
    const auth = new GrpcAuthorizer(config.api, (reason) => options.metrics.authFailures.inc({ reason }));
    const read = (call: ServerUnaryCall<unknown, unknown>): Caller =>
      auth.read(call.metadata, () => call.getPeer());
    this.server.addService(withDirectCodecs(loadRanking(false).service), {
      Recommend: this.unary("Recommend", async (call) => ops.recommend(read(call), call.request)),
      Rank: this.unary("Rank", async (call) => ops.rank(read(call), call.request)),
      Similar: this.unary("Similar", async (call) => {
        read(call);
        return ops.similar({ id: call.request["itemId"] }, { k: call.request["k"] });
      }),
      Ingest: this.unary("Ingest", async (call) => {
        auth.require(call.metadata, call.getPeer(), "write", "Ingest");
        return ops.ingest(call.request);
      }),
    });
  }

  /**
   * One method: the caller's deadline bounds the answer (none left: DEADLINE_EXCEEDED, and nothing is
   * started; the store's own deadline, api.storeTimeoutMs, bounds the work as on HTTP); the latency is
   * observed in the shared histogram. grpc-js itself answers DEADLINE_EXCEEDED when the deadline passes
   * (its own timer per call) and then ends the call: that end is recorded here, with no second timer.
   */
  private unary(method: GrpcMethod, work: Work): handleUnaryCall<Record<string, unknown>, unknown> {
    const route = grpcPath(method);
    const { latency } = this.options.metrics;
    return (call, callback: sendUnaryData<unknown>) => {
      const started = performance.now();
      let answered = false;
      const done = (code: status) => {
        answered = true;
        latency.observe(
          { route, method: "GRPC", status: String(code) },
          (performance.now() - started) / 1000,
        );
      };
      const deadline = Number(call.getDeadline());
      if (Number.isFinite(deadline)) {
        if (deadline <= Date.now()) {
          done(status.DEADLINE_EXCEEDED);
          return callback({ code: status.DEADLINE_EXCEEDED, details: "the caller's deadline had passed" });
        }
        // Emitted when the call ends; unanswered by then means grpc-js's deadline (or the client) ended it.
        call.once("cancelled", () => {
          if (!answered)
            done(Date.now() >= deadline - TIMER_SLACK_MS ? status.DEADLINE_EXCEEDED : status.CANCELLED);
        });
      }
      work(call).then(
        (result) => {
          if (answered) return;
          done(status.OK);
          callback(null, result);
        },
        (error: unknown) => {
          if (answered) return;
          const failure = toGrpcError(error);
          done(failure.code);
          callback(failure);
        },
      );
    };
  }

  /** Binds `host:port` (0 picks a free one); returns the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) =>
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
  }

  /** Lets in-flight calls finish, then stops. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
