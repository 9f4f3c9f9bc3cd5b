export * from "./grpc-client.js";
export * from "./grpc-server.js";
export { PROTO_PATH } from "./proto.js";
