import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { grpcPath, loadRanking } from "./proto.js";

const bytes = (b: Buffer) => b;

/**
 * Calls with requests encoded beforehand and answers left as bytes: what a load generator (bench/api)
 * needs to be as lean on gRPC as on HTTP, where it sends pre-built JSON and drains the body unparsed.
 * `channels` connections, used in turn (an HTTP agent keeps a pool of sockets).
 */
export class EncodedGrpcClient {
  private readonly clients: Client[];
  private next = 0;

  constructor(address: string, channels = 1) {
    // A local subchannel pool per client: without it, clients to one address share one connection.
    this.clients = Array.from(
      { length: channels },
      () =>
        new Client(address, credentials.createInsecure(), {
          "grpc.use_local_subchannel_pool": 1,
          "grpc.enable_channelz": 0,
        }),
    );
  }

  /** `method`'s request encoder (the .proto's encoding), to build the requests before the run. */
  static encoder(method: "Recommend" | "Rank"): (request: object) => Buffer {
    return loadRanking(true).service[method]!.requestSerialize;
  }

  /** One unary call of pre-encoded bytes; resolves true on status OK. */
  send(method: "Recommend" | "Rank", request: Buffer): Promise<boolean> {
    const client = this.clients[this.next++ % this.clients.length]!;
    return new Promise((resolve) =>
      client.makeUnaryRequest(grpcPath(method), bytes, bytes, request, new Metadata(), {}, (error) =>
        resolve(!error),
      ),
    );
  }

  close(): void {
    for (const c of this.clients) c.close();
  }
}
