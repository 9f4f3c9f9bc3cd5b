import { ErasedUserError } from "@tandem/core";
import { mastersOf } from "../redis-client.js";
import {
  type AppendOptions,
  type AppendResult,
  EVENT_ID_WINDOW_MS,
  type EventToAppend,
  type StoredEvent,
} from "../types.js";
import { validateEvent } from "../validate-event.js";
import { mapLimit, SHARD_CONCURRENCY } from "./map-limit.js";
import { mapError } from "./redis-errors.js";
import type { RedisStoreContext } from "./store-context.js";

const EVENTS_PER_SCRIPT = 100;

/** One stream entry as an event (fields the writer does not know, e.g. a client id, are ignored). */
function eventOf(userId: string, [id, fields]: [string, string[]]): StoredEvent {
  const f = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  return {
    id,
    user: userId,
    item: f.get("item") ?? "",
    value: Number(f.get("value")),
    timestamp: Number(f.get("timestamp")),
    kind: f.get("kind") ?? "",
  };
}

/** Per-user event streams in their users' shards: idempotent appends, reads, the clock and scans. */
export class EventLog {
  constructor(
    private readonly ctx: RedisStoreContext,
    /** Events kept per user stream, trimmed approximately (XADD MAXLEN ~). */
    private readonly eventsMaxLen: number,
  ) {}

  async appendEventsOnce(
    events: readonly EventToAppend[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    for (const e of events) validateEvent(e);
    const k = this.ctx.keys;
    const window = options.eventIdWindowMs ?? EVENT_ID_WINDOW_MS;
    // Events go to their users' shards; scripts block Redis while they run, so 100 events each keeps
    // that to a few ms (reads wait behind it).
    const byShard = new Map<number, number[]>();
    events.forEach((e, i) => {
      const s = k.shardOf(e.user);
      let list = byShard.get(s);
      if (!list) byShard.set(s, (list = []));
      list.push(i);
    });
    const chunks: [shard: number, indexes: number[]][] = [];
    for (const [shard, indexes] of byShard)
      for (let start = 0; start < indexes.length; start += EVENTS_PER_SCRIPT)
        chunks.push([shard, indexes.slice(start, start + EVENTS_PER_SCRIPT)]);
    // Each chunk is one atomic script; check every user up front so a later chunk cannot be refused
    // after earlier ones were stored (the scripts check again, for erasures in between).
    if (chunks.length > 1) {
      const erased = await this.erasedAmong([...new Set(events.map((e) => e.user))]);
      if (erased.length > 0) throw new ErasedUserError(erased);
    }
    const result: AppendResult = { ids: new Array(events.length), duplicate: new Array(events.length) };
    for (const [shard, indexes] of chunks) {
      const keys: string[] = [k.erased(shard), k.eventUsers(shard)];
      const args: (string | number)[] = [this.eventsMaxLen, window];
      for (const i of indexes) {
        const e = events[i]!;
        const stream = k.events(e.user);
        keys.push(stream, e.eventId === undefined ? stream : k.eventId(e.user, e.eventId));
        args.push(e.user, e.item, String(e.value), String(e.timestamp), e.kind, e.eventId ?? "");
        args.push(e.timestamp * 1000);
      }
      const out = await this.ctx.call("appendEvents", () =>
        this.ctx.commands.tandemAppendEvents(keys.length, ...keys, ...args),
      );
      if (out[0] === "ERASED") throw new ErasedUserError(out.slice(1));
      out.forEach((r, j) => {
        result.ids[indexes[j]!] = r.slice(1);
        result.duplicate[indexes[j]!] = r[0] === "D";
      });
    }
    return result;
  }

  /** The given users that were erased (one SMISMEMBER per shard). */
  private async erasedAmong(users: readonly string[]): Promise<string[]> {
    const byShard = new Map<number, string[]>();
    for (const u of users) {
      const s = this.ctx.keys.shardOf(u);
      let list = byShard.get(s);
      if (!list) byShard.set(s, (list = []));
      list.push(u);
    }
    const out: string[] = [];
    await this.ctx.call("appendEvents", () =>
      Promise.all(
        [...byShard].map(async ([shard, list]) => {
          const flags = await this.ctx.redis.smismember(this.ctx.keys.erased(shard), ...list);
          for (const [i, u] of list.entries()) if (flags[i] === 1) out.push(u);
        }),
      ),
    );
    return out;
  }

  async readUserEvents(userId: string): Promise<StoredEvent[]> {
    const entries = await this.ctx.call("readUserEvents", () =>
      this.ctx.redis.xrange(this.ctx.keys.events(userId), "-", "+"),
    );
    return entries.map((entry) => eventOf(userId, entry));
  }

  async eventUsers(): Promise<string[]> {
    const k = this.ctx.keys;
    const perShard = await this.ctx.call("eventUsers", () =>
      mapLimit(k.allShards(), SHARD_CONCURRENCY, (s) =>
        this.ctx.redis.zrange(k.eventUsers(s), 0, -1, "WITHSCORES"),
      ),
    );
    const all: [string, number][] = [];
    for (const flat of perShard)
      for (let i = 0; i < flat.length; i += 2) all.push([flat[i]!, Number(flat[i + 1])]);
    // ZREVRANGE order across shards: score, then member, both descending.
    all.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
    return all.map(([user]) => user);
  }

  async eventClock(): Promise<string> {
    // Stream ids come from each master's clock: the earliest clock bounds what may still arrive.
    const masters = await this.ctx.call("eventClock", () => mastersOf(this.ctx.redis));
    const times = await this.ctx.call("eventClock", () => Promise.all(masters.map((m) => m.time())));
    const ms = Math.min(...times.map(([s, us]) => Number(s) * 1000 + Math.floor(Number(us) / 1000)));
    // Every id up to the previous ms was assigned before this reading (Redis is single-threaded); ids
    // of this very ms may still come, so the watermark stops one ms short and the next run takes them.
    return `${ms - 1}-${Number.MAX_SAFE_INTEGER}`;
  }

  async *scanEvents(options: {
    after?: string;
    until: string;
    batch?: number;
  }): AsyncIterable<StoredEvent[]> {
    const batch = options.batch ?? 200;
    const start = options.after === undefined ? "-" : `(${options.after}`;
    const k = this.ctx.keys;
    // Shard by shard (bounded memory). ZSCAN returns every member present for the whole scan at least
    // once, whatever is added meanwhile.
    for (const shard of k.allShards()) {
      let cursor = "0";
      do {
        const [next, flat] = await this.ctx.call("scanEvents", () =>
          this.ctx.redis.zscan(k.eventUsers(shard), cursor, "COUNT", batch),
        );
        cursor = next;
        const users = flat.filter((_, i) => i % 2 === 0);
        if (users.length === 0) continue;
        const pipeline = this.ctx.redis.pipeline(); // one shard: one slot
        for (const user of users) pipeline.xrange(k.events(user), start, options.until);
        const results = await this.ctx.call("scanEvents", () => pipeline.exec());
        const out: StoredEvent[] = [];
        for (const [i, [error, entries]] of (results ?? []).entries()) {
          if (error) mapError(error, "scanEvents");
          for (const entry of entries as [string, string[]][]) out.push(eventOf(users[i]!, entry));
        }
        if (out.length > 0) yield out;
      } while (cursor !== "0");
    }
  }
}
