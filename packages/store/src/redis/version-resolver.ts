import { NotFoundError, UnavailableError } from "@tandem/core";
import type { VersionCodec } from "../version-codec.js";
import type { RedisStoreContext } from "./store-context.js";

export interface ResolvedRead<T> {
  version: string;
  live: string;
  codec: VersionCodec;
  value: T;
}

/** How every read of the live version resolves the pointer (once per read, never mixing versions). */
export class VersionResolver {
  constructor(private readonly ctx: RedisStoreContext) {}

  /**
   * Resolves the pointer once and reads one version. The read of the version this client saw last is
   * sent with the GET of the pointer (one exchange); only after a publish is it read again at the new
   * version. `read` returns false when the version holds no complete data (gone, or not sealed).
   * With `want`, that version is read (null when it no longer exists) and the pointer only reported.
   */
  async at<T>(
    what: string,
    want: string | null,
    read: (version: string, codec: VersionCodec) => Promise<T | false>,
    /** The same read when it needs no codec: then a version new to this client costs one exchange less. */
    readBare?: (version: string) => Promise<T | false>,
  ): Promise<ResolvedRead<T> | null> {
    const { ctx } = this;
    const k = ctx.keys;
    /** The codec of a version and the read at it: together when the read needs no codec. */
    const codecAndRead = async (version: string): Promise<[VersionCodec | null, T | false]> => {
      if (readBare && !ctx.codecs.has(version))
        return Promise.all([ctx.codecOrNull(version), ctx.call(what, () => readBare(version))]);
      const codec = await ctx.codecOrNull(version);
      return [codec, codec ? await ctx.call(what, () => read(version, codec)) : false];
    };
    if (want !== null) {
      const [live, [codec, value]] = await Promise.all([
        ctx.call(what, () => ctx.redis.get(k.live)),
        codecAndRead(want),
      ]);
      return live === null || codec === null || value === false
        ? null
        : { version: want, live, codec, value };
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const guess = ctx.codecs.get(ctx.cachedLive);
      const [live, guessed] = await ctx.call(what, () =>
        Promise.all([
          ctx.redis.get(k.live),
          guess ? read(guess.info.version, guess) : Promise.resolve(false as const),
        ]),
      );
      if (live === null) return null;
      ctx.cachedLive = live;
      if (guess && guess.info.version === live && guessed !== false)
        return { version: live, live, codec: guess, value: guessed as T };
      const [codec, value] = await codecAndRead(live);
      if (codec === null) throw new NotFoundError("model", `version ${live}`);
      if (value !== false) return { version: live, live, codec, value };
      // Only a version GC'd between the GET and the read gets here: resolve the pointer again.
    }
    throw new UnavailableError(`${what}: the live version kept changing`);
  }
}
