import { InvalidArgumentError } from "@tandem/core";
import { assertSafeName } from "../keys.js";
import type { UserFeatures, UserRow, UserRowOptions } from "../types.js";
import type { RedisStoreContext } from "./store-context.js";
import type { VersionResolver } from "./version-resolver.js";

/** The request path's user reads: one script in the user's shard, at one resolved version. */
export class UserReads {
  constructor(
    private readonly ctx: RedisStoreContext,
    private readonly resolver: VersionResolver,
  ) {}

  /** One shard's row of a user in a version: candidates, scalars, then the given vector kinds. */
  private readRow(userId: string, version: string, kinds: readonly string[]) {
    const k = this.ctx.keys;
    const shard = k.shardOf(userId);
    const keys = [
      k.seal(version, shard),
      k.candidates(version, shard),
      k.scalars(version, shard),
      ...kinds.map((kind) => k.userVectors(version, kind, shard)),
    ];
    return this.ctx.commands
      .tandemReadRowBuffer(keys.length, ...keys, userId)
      .then((r) => r ?? (false as const));
  }

  async getUserFeatures(userId: string): Promise<UserFeatures | null> {
    const got = await this.resolver.at("getUserFeatures", null, (version, codec) =>
      this.readRow(userId, version, this.ctx.userKinds(codec)),
    );
    if (!got) return null;
    const { value: row, codec } = got;
    const kinds = this.ctx.userKinds(codec);
    return codec.decodeUser(userId, {
      candidates: row[0] ?? null,
      scalars: row[1] ?? null,
      vectors: kinds.map((kind, i) => [kind, row[2 + i] ?? null]),
    });
  }

  async readUser(userId: string, options: UserRowOptions = {}): Promise<UserRow | null> {
    const kinds = options.vectors ?? [];
    for (const kind of kinds) assertSafeName("kind", kind);
    // The row needs no codec (kinds are checked after), so a version new to this client is read
    // together with its catalogue.
    const read = (version: string) => this.readRow(userId, version, kinds);
    const got = await this.resolver.at("readUser", options.version ?? null, read, read);
    if (!got) return null;
    const { value: row, codec, live } = got;
    for (const kind of kinds) {
      if (!(kind in codec.info.userKinds))
        throw new InvalidArgumentError(
          `version ${codec.info.version} declares no user vectors of kind ${kind}`,
        );
    }
    return codec.decodeRow(live, {
      candidates: row[0] ?? null,
      scalars: row[1] ?? null,
      vectors: kinds.map((kind, i) => [kind, row[2 + i] ?? null]),
    });
  }
}
