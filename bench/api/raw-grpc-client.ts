import { type ClientHttp2Session, connect } from "node:http2";
import { grpcPath, loadRanking } from "../../services/ranking-api/src/grpc/proto.js";

type Method = "Recommend" | "Rank";
const drain = () => {};

/**
 * The load generator's gRPC client at the level of its HTTP one (node:http with a keep-alive agent, no
 * framework): unary calls as bare node:http2 streams, requests length-prefixed before the run, answers
 * drained undecoded, success = `grpc-status: 0` in the trailers. grpc-js's client (EncodedGrpcClient)
 * cost the generator 150–250 µs more CPU per call than HTTP (interceptors, load-balancing call, call
 * credentials, filters) on the core redis-server shares, so it slowed redis for the API in gRPC blocks
 * only; this one costs about what the HTTP sender does (bench/api/transport-cost.ts).
 */
export class RawGrpcClient {
  private readonly sessions: ClientHttp2Session[];
  private next = 0;

  constructor(address: string, channels = 1) {
    this.sessions = Array.from({ length: channels }, () => connect(`http://${address}`));
    for (const s of this.sessions) s.on("error", drain);
  }

  /** `method`'s request as a gRPC message frame (uncompressed flag, length, protobuf bytes). */
  static encoder(method: Method): (request: object) => Buffer {
    const serialize = loadRanking(true).service[method]!.requestSerialize;
    return (request) => {
      const body = serialize(request);
      const frame = Buffer.allocUnsafe(5 + body.length);
      frame[0] = 0;
      frame.writeUInt32BE(body.length, 1);
      body.copy(frame, 5);
      return frame;
    };
  }

  /** One unary call of a prebuilt frame; resolves true on status OK. */
  send(method: Method, frame: Buffer): Promise<boolean> {
    const session = this.sessions[this.next++ % this.sessions.length]!;
    return new Promise((resolve) => {
      let status = "";
      const stream = session.request({
        ":method": "POST",
        ":path": grpcPath(method),
        "content-type": "application/grpc",
        te: "trailers",
      });
      // A trailers-only answer (an error) carries the status in its headers.
      stream.on("response", (headers) => {
        status = String(headers["grpc-status"] ?? status);
      });
      stream.on("trailers", (trailers) => {
        status = String(trailers["grpc-status"] ?? status);
      });
      stream.on("data", drain);
      stream.on("error", drain);
      stream.on("close", () => resolve(status === "0"));
      stream.end(frame);
    });
  }

  close(): void {
    for (const s of this.sessions) s.close();
  }
}
