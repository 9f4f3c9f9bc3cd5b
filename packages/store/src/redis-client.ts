import { InvalidArgumentError } from "@tandem/core";
import { Cluster, type ClusterNode, Redis, type RedisOptions } from "ioredis";

/** A plain Redis connection or a Redis Cluster client: the store, the API and BullMQ accept either. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: one URL, or the seed nodes of a cluster (any subset of its masters). */
export type RedisTarget = string | readonly string[];

/** `redis://[user:pass@]host:port` seed URLs (config `store.clusterNodes`) → ioredis cluster nodes. */
export function clusterNodesOf(urls: readonly string[]): { nodes: ClusterNode[]; options: RedisOptions } {
  if (urls.length === 0) throw new InvalidArgumentError("a Redis Cluster needs at least one seed node");
  const options: RedisOptions = {};
  const nodes = urls.map((raw) => {
    let url: URL;
    try {
      url = new URL(raw.includes("://") ? raw : `redis://${raw}`);
    } catch {
      throw new InvalidArgumentError(
        `cluster node ${JSON.stringify(raw)} is not a redis:// URL or host:port`,
      );
    }
    if (url.password) options.password = decodeURIComponent(url.password);
    if (url.username) options.username = decodeURIComponent(url.username);
    if (url.protocol === "rediss:") options.tls = {};
    return { host: url.hostname, port: Number(url.port || 6379) };
  });
  return { nodes, options };
}

/**
 * Opens a client: a Cluster client (which follows MOVED/ASK and refreshes its slot map, so a reshard
 * under load is followed) for a list of seed nodes, a plain one for a URL. `extra` is merged into the
 * per-connection options (e.g. BullMQ's `maxRetriesPerRequest: null`).
 */
export function openRedis(target: RedisTarget, extra: RedisOptions = {}): RedisClient {
  if (typeof target === "string") return new Redis(target, extra);
  const { nodes, options } = clusterNodesOf(target);
  // No auto-pipelining on a cluster: ioredis routes an auto-pipelined script by its first argument,
  // which for a variadic script is the key count, not a key. Concurrent commands still overlap.
  const { enableAutoPipelining: _, ...perNode } = extra;
  return new Cluster(nodes, {
    redisOptions: { ...options, ...perNode },
    // Re-read the slot map soon after a MOVED (a reshard) instead of on the next timer.
    slotsRefreshTimeout: 2000,
  });
}

export const isCluster = (client: RedisClient): client is Cluster => (client as Cluster).isCluster === true;

/** The masters to visit for node-wide commands (SCAN, TIME, DBSIZE): the client itself when not a cluster. */
export async function mastersOf(client: RedisClient): Promise<Redis[]> {
  if (!isCluster(client)) return [client];
  if (client.status !== "ready") await client.ping(); // connects and loads the slot map
  return client.nodes("master");
}
