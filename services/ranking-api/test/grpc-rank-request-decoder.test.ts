import { describe, expect, it } from "vitest";
import { loadRanking } from "../src/grpc/proto.js";
import { decodeRankRequest } from "../src/grpc/rank-request-decoder.js";

const reference = loadRanking(false).service.Rank!;
const client = loadRanking(true).service.Rank!;

describe("decodeRankRequest", () => {
  it("reads what proto-loader's deserializer reads, unset fields absent", () => {
    const requests = [
      { userId: "123", itemIds: Array.from({ length: 100 }, (_, j) => String(j * 13)), k: 10 },
      { userId: "u", itemIds: ["ä-item", "x".repeat(40), "🎬", ""], explain: true, k: -3 },
      { userId: "", itemIds: [] },
      { itemIds: ["1"], k: 0, explain: false },
      {},
    ];
    for (const r of requests) {
      const bytes = client.requestSerialize(r);
      expect(decodeRankRequest(bytes)).toEqual(reference.requestDeserialize(bytes));
    }
  });

  it("skips fields it does not know and throws on truncated bytes, as protobufjs does", () => {
    const bytes = client.requestSerialize({ userId: "7", itemIds: ["a", "b"], k: 5 });
    // Field 9 (varint 150) and field 10 (fixed64) appended: unknown to RankRequest.
    const extended = Buffer.concat([bytes, Buffer.from([72, 150, 1, 81, 1, 2, 3, 4, 5, 6, 7, 8])]);
    expect(decodeRankRequest(extended)).toEqual(reference.requestDeserialize(extended));
    const truncated = bytes.subarray(0, bytes.length - 1);
    expect(() => reference.requestDeserialize(truncated)).toThrow();
    expect(() => decodeRankRequest(truncated)).toThrow();
  });
});
