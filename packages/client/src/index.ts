export type {
  AdminOverview,
  AdminTitles,
  AdminUser,
  ApiErrorCode,
  EventInput,
  RankInput,
  RecommendInput,
  Responses,
  ScoredItem,
} from "@tandem/api-contract";
export * from "./errors.js";
export type { CallOptions } from "./http-caller.js";
export type { ClientOptions } from "./options.js";
export * from "./tandem-client.js";
