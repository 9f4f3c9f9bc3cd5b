import { Agent, request } from "node:http";
import { EncodedGrpcClient } from "../../services/ranking-api/src/grpc/encoded-client.js";
import { RawGrpcClient } from "./raw-grpc-client.js";

export type GrpcMethod = "Recommend" | "Rank";
export type Send = () => Promise<boolean>;

/**
 * The generator's lean senders for both transports: the same requests, built before the run (JSON
 * strings for HTTP on a keep-alive agent, gRPC frames for bare node:http2 streams, or grpc-js's client),
 * answers drained undecoded; each send resolves true on a success.
 */
export function leanSenders(
  base: string,
  grpcAddress: string,
  options: { channels?: number; client?: "raw" | "grpc-js" } = {},
) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const Client = options.client === "grpc-js" ? EncodedGrpcClient : RawGrpcClient;
  const grpc = new Client(grpcAddress, options.channels ?? 1);
  const http = (path: string, payload: string) =>
    new Promise<boolean>((resolve) => {
      const req = request(
        `${base}${path}`,
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
  return {
    /** Senders of `bodies` in turn (the same request sequence on both transports). */
    prepare(path: string, method: GrpcMethod, bodies: object[]): { http: Send; grpc: Send } {
      const json = bodies.map((b) => JSON.stringify(b));
      const encode = Client.encoder(method);
      const frames = bodies.map((b) => encode(b));
      let next = 0;
      return {
        http: () => http(path, json[next++ % json.length]!),
        grpc: () => grpc.send(method, frames[next++ % frames.length]!),
      };
    },
    close() {
      grpc.close();
      agent.destroy();
    },
  };
}
