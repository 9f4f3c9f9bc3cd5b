import { afterAll, beforeAll, describe } from "vitest";
import { grpcTransport } from "./behaviour/grpc-transport.js";
import { httpTransport } from "./behaviour/http-transport.js";
import { type LiveServers, startLiveServers } from "./behaviour/live-servers.js";
import { rankingBehaviour } from "./behaviour/suite.js";
import type { Transport } from "./behaviour/transport.js";

// One suite, each transport: the gRPC service must behave as the HTTP API does.
const transports: [string, (live: LiveServers) => Transport][] = [
  ["HTTP", (live) => httpTransport(live.httpUrl)],
  ["gRPC", (live) => grpcTransport(live.grpcAddress)],
];

for (const [name, make] of transports) {
  describe(`the ranking API over ${name}`, () => {
    let live: LiveServers;
    let transport: Transport;
    beforeAll(async () => {
      live = await startLiveServers();
      transport = make(live);
    });
    afterAll(async () => {
      transport.close();
      await live.close();
    });
    rankingBehaviour(
      () => live,
      () => transport,
    );
  });
}
