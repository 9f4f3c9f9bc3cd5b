import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

/** proto/ranking.proto, from the sources (src/grpc) or from the compiled bundle (dist). */
export const PROTO_PATH = fileURLToPath(
  [
    new URL("../../proto/ranking.proto", import.meta.url),
    new URL("../proto/ranking.proto", import.meta.url),
  ].find((u) => existsSync(fileURLToPath(u))) ?? new URL("../../proto/ranking.proto", import.meta.url),
);

/**
 * The service with messages in the JSON API's camelCase. The server decodes without defaults (unset
 * fields stay absent), so the HTTP request schemas validate requests unchanged; clients decode with
 * them, so a zero count or an empty list reads as 0 or [] as in JSON.
 */
export function loadRanking(defaults: boolean): ServiceClientConstructor {
  const definition = loadSync(PROTO_PATH, { keepCase: false, longs: Number, enums: String, defaults });
  const v1 = (loadPackageDefinition(definition)["tandem"] as GrpcObject)["v1"] as GrpcObject;
  return v1["Ranking"] as ServiceClientConstructor;
}

/** The four methods, by their gRPC names; `path` is the metrics route label. */
export const GRPC_METHODS = ["Recommend", "Rank", "Similar", "Ingest"] as const;
export type GrpcMethod = (typeof GRPC_METHODS)[number];
export const grpcPath = (method: GrpcMethod) => `/tandem.v1.Ranking/${method}`;
