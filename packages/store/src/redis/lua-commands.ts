import * as lua from "../lua.js";
import type { RedisClient } from "../redis-client.js";

type Arg = string | number | Buffer;

/** The store's Lua scripts as client commands (each declares all its keys and runs in one slot). */
export type LuaCommands = {
  tandemBegin(...args: Arg[]): Promise<[string, string | null]>;
  tandemReady(...args: Arg[]): Promise<number>;
  tandemFlip(...args: Arg[]): Promise<[string | null, number]>;
  tandemUnregister(...args: Arg[]): Promise<number>;
  tandemSeal(numberOfKeys: number, ...args: Arg[]): Promise<number>;
  tandemReadRowBuffer(numberOfKeys: number, ...args: Arg[]): Promise<(Buffer | null)[] | null>;
  tandemWriteUser(numberOfKeys: number, ...args: Arg[]): Promise<string>;
  tandemDeleteUser(numberOfKeys: number, ...args: Arg[]): Promise<number>;
  tandemAppendEvents(numberOfKeys: number, ...args: Arg[]): Promise<string[]>;
};

const SCRIPTS: [name: string, numberOfKeys: number | undefined, source: string][] = [
  ["tandemBegin", 3, lua.BEGIN],
  ["tandemReady", 4, lua.READY],
  ["tandemFlip", 3, lua.FLIP],
  ["tandemUnregister", 3, lua.UNREGISTER],
  // Key count varies per call (passed as the first argument).
  ["tandemSeal", undefined, lua.SEAL],
  ["tandemReadRow", undefined, lua.READ_ROW],
  ["tandemWriteUser", undefined, lua.WRITE_USER],
  ["tandemDeleteUser", undefined, lua.DELETE_USER],
  ["tandemAppendEvents", undefined, lua.APPEND_EVENTS],
];

/** Defines the scripts on the client once (a shared client may already have them). */
export function defineLuaCommands(redis: RedisClient): LuaCommands {
  for (const [name, numberOfKeys, source] of SCRIPTS) {
    if (!(name in redis))
      redis.defineCommand(name, numberOfKeys === undefined ? { lua: source } : { numberOfKeys, lua: source });
  }
  return redis as unknown as LuaCommands;
}
