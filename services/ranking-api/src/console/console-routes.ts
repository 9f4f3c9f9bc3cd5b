import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type AdminOverview,
  type AdminTitles,
  type AdminUser,
  fastifyPath,
  routes,
} from "@tandem/api-contract";
import { NotFoundError, type TandemConfig } from "@tandem/core";
import { VERSION_METADATA } from "@tandem/rerank";
import { CANDIDATE_SOURCES } from "@tandem/serving";
import { type FeatureStore, mastersOf, RedisFeatureStore } from "@tandem/store";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Authorizer } from "../auth.js";
import type { QueueStats } from "../queue-stats.js";
import { RunsReader } from "./runs-reader.js";

export interface ConsoleOptions {
  store: FeatureStore;
  queues?: QueueStats;
  /** config.nightly.runsDir: the runs' checkpoints (history, gate decisions, evaluation, progress). */
  runsDir: string;
  /** config.eval: the evaluation tables' intervals are tandem eval's (its resamples and seed). */
  evaluation: Pick<TandemConfig["eval"], "bootstrap" | "seed">;
}

/** The static page (services/ranking-api/console), from the sources or from the compiled bundle. */
const ASSETS: Record<string, string> = {
  "": "text/html; charset=utf-8",
  "console.js": "text/javascript; charset=utf-8",
  "console.css": "text/css; charset=utf-8",
};
const assetFile = (name: string) => {
  const file = name === "" ? "index.html" : name;
  for (const rel of [`../../console/${file}`, `../console/${file}`]) {
    try {
      return readFileSync(fileURLToPath(new URL(rel, import.meta.url)), "utf8");
    } catch {}
  }
  throw new Error(`console asset ${file} not found`);
};

/**
 * The operator's console at /console (a static page, no data in it) and the admin-key reads it shows:
 * versions and runs, queues and failed jobs, store memory, and a user's history and candidates.
 */
export function registerConsole(app: FastifyInstance, auth: Authorizer, options: ConsoleOptions): void {
  const { store, queues } = options;
  const runs = new RunsReader(options.runsDir, options.evaluation);
  const admin = (request: FastifyRequest) => auth.require(request, "admin", "the console");
  const assets = Object.fromEntries(Object.keys(ASSETS).map((n) => [n, assetFile(n)]));
  for (const [name, type] of Object.entries(ASSETS)) {
    app.get(name === "" ? routes.console.path : `${routes.console.path}/${name}`, async (_request, reply) =>
      reply.type(type).header("cache-control", "no-cache").send(assets[name]),
    );
  }
  // Titles of the live version, read once per version (they are only for people).
  let titles: { version: string; map: Record<string, string> } | null = null;
  const titlesOf = async (version: string) => {
    if (titles?.version !== version)
      titles = {
        version,
        map: ((await store.getMetadata(VERSION_METADATA.itemTitles)) ?? {}) as Record<string, string>,
      };
    return titles.map;
  };

  app.get(fastifyPath(routes.adminOverview.path), async (request): Promise<AdminOverview> => {
    await admin(request);
    const [live, versions] = await Promise.all([store.liveVersion(), store.listVersions()]);
    const detailed = await Promise.all(
      versions.map(async (v) => ({
        ...v,
        itemCount: (await store.versionInfo(v.version))?.itemCount ?? null,
      })),
    );
    return {
      live,
      evaluation: live ? await store.getMetadata(VERSION_METADATA.evaluation) : null,
      versions: detailed,
      runs: runs.read(),
      queues: queues ? { counts: await queues.read(), failed: await queues.failedJobs() } : null,
      memory: await memory(store),
    };
  });

  app.get(fastifyPath(routes.adminTitles.path), async (request): Promise<AdminTitles> => {
    await admin(request);
    const live = await store.liveVersion();
    const ids = String((request.query as { ids?: string }).ids ?? "")
      .split(",")
      .filter(Boolean)
      .slice(0, 500);
    const map = live ? await titlesOf(live) : {};
    return Object.fromEntries(ids.map((id) => [id, map[id] ?? null]));
  });

  app.get(fastifyPath(routes.adminUser.path), async (request): Promise<AdminUser> => {
    await admin(request);
    const userId = (request.params as { id: string }).id;
    const [features, events, live] = await Promise.all([
      store.getUserFeatures(userId),
      store.readUserEvents(userId),
      store.liveVersion(),
    ]);
    const map = live ? await titlesOf(live) : {};
    if (!features && events.length === 0) throw new NotFoundError("user", userId);
    const candidates = features?.candidates
      ? features.candidates.items.map((itemId, i) => {
          const row = i * features.columns.length;
          const sources = CANDIDATE_SOURCES.filter(
            ([column]) => (features.candidates!.features[row + features.columns.indexOf(column)] ?? 0) > 0,
          ).map(([, name]) => name);
          return { itemId, title: map[itemId] ?? null, sources };
        })
      : [];
    const history = events
      .slice(-50)
      .reverse()
      .map((e) => ({ itemId: e.item, title: map[e.item] ?? null, value: e.value, timestamp: e.timestamp }));
    return { userId, version: features?.version ?? live, history, candidates };
  });
}

/**
 * Redis memory (INFO memory), summed over the masters on a Redis Cluster (the feature store is spread
 * over them; one node's figure would be a fraction); the embedded store has none to report.
 */
async function memory(store: FeatureStore): Promise<AdminOverview["memory"]> {
  if (!(store instanceof RedisFeatureStore)) return null;
  const masters = await mastersOf(store.redis);
  const infos = await Promise.all(masters.map((node) => node.info("memory")));
  const sum = (name: string) =>
    infos.reduce(
      (total, info) => total + Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? Number.NaN),
      0,
    );
  // One node without a limit (0) leaves the whole store without one.
  const limited = infos.every((info) => Number(/^maxmemory:(\d+)/m.exec(info)?.[1] ?? 0) > 0);
  return {
    usedBytes: sum("used_memory"),
    peakBytes: sum("used_memory_peak"),
    maxBytes: limited ? sum("maxmemory") : 0,
    nodes: masters.length,
  };
}
