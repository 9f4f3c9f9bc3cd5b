import { requestSchemas } from "@tandem/api-contract";
import { ForbiddenError, type TandemConfig } from "@tandem/core";
import type { RankingEngine } from "@tandem/serving";
import type { Scope } from "./auth.js";
import type { Metrics } from "./metrics.js";
import { parseRequest } from "./parse-request.js";

/** Who is calling a read route: a key's scope, or anonymous when reads are open and no key is sent. */
export type Caller = Scope | "anonymous";

/**
 * The ranking operations behind every transport (HTTP and gRPC): the same validation, the same
 * explanation rule, the same engine. Each transport decodes its wire format and authenticates first.
 */
export function rankingOperations(
  engine: RankingEngine,
  api: TandemConfig["api"],
  metrics?: Pick<Metrics, "recommendAnswers">,
) {
  const schemas = requestSchemas(api);
  const mayExplain = (caller: Caller, explain: boolean) => {
    if (explain && caller !== "admin")
      throw new ForbiddenError(
        "explain: true requires an admin-scope key (explanations reveal the user's recent items)",
      );
  };
  return {
    recommend: async (caller: Caller, body: unknown) => {
      const request = parseRequest(schemas.recommend, body);
      mayExplain(caller, request.explain);
      const answer = await engine.recommend(request);
      metrics?.recommendAnswers.inc({ mode: answer.mode });
      return answer;
    },
    rank: (caller: Caller, body: unknown) => {
      const request = parseRequest(schemas.rank, body);
      mayExplain(caller, request.explain);
      return engine.rank(request);
    },
    similar: (params: unknown, query: unknown) => {
      const { id } = parseRequest(schemas.idParams, params);
      const { k } = parseRequest(schemas.similarQuery, query);
      return engine.similar(id, k);
    },
    ingest: (body: unknown) => engine.ingest(parseRequest(schemas.events, body).events),
    eraseUser: (params: unknown) => engine.eraseUser(parseRequest(schemas.idParams, params).id),
  };
}

export type RankingOperations = ReturnType<typeof rankingOperations>;
