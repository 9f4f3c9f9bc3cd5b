import { describe, expect, it } from "vitest";
import { loadRanking } from "../src/grpc/proto.js";
import { responseEncoders } from "../src/grpc/response-encoder.js";

const service = loadRanking(false).service;
const item = (i: number, extra: object = {}) => ({
  itemId: `item-${i}`,
  score: 1 / (i + 1) - 0.3,
  sources: ["mf", "co-occurrence"],
  ...extra,
});
const long = "é✓🎬".repeat(60) + "x".repeat(200); // multi-byte, and lengths past one varint byte

describe("the direct response encoders", () => {
  const cases: Record<keyof typeof responseEncoders, object[]> = {
    Recommend: [
      {
        userId: "1",
        version: "v1",
        mode: "precomputed",
        items: Array.from({ length: 10 }, (_, i) => item(i)),
      },
      { userId: "", version: "v2", mode: "cold-start", items: [] },
      {
        userId: long,
        version: "v3",
        mode: "fresh",
        items: [
          item(0, { explanation: { mf: 0.5, "co-occurrence": -1e-9, [long]: 3 } }),
          item(1, { sources: [long], explanation: {} }),
        ],
        notInProto: 1,
      },
      {
        userId: "u",
        version: "v",
        mode: "fallback",
        items: Array.from({ length: 300 }, (_, i) => item(i, { explanation: { mf: i, text: -i, "12": 0 } })),
      },
    ],
    Rank: [
      {
        userId: "7",
        version: "v1",
        items: Array.from({ length: 100 }, (_, i) => item(i)),
        unknownItems: ["a", "b", long],
      },
      { userId: "7", version: "v1", items: [], unknownItems: [] },
    ],
    Similar: [
      { itemId: "318", version: "v1", items: Array.from({ length: 20 }, (_, i) => item(i, { sources: [] })) },
    ],
  };
  for (const [method, answers] of Object.entries(cases) as [keyof typeof responseEncoders, object[]][])
    it(`${method}: the same bytes as proto-loader's serializer`, () => {
      const reference = service[method]!.responseSerialize;
      for (const answer of answers) {
        const bytes = responseEncoders[method](answer as never);
        expect(bytes.equals(reference(answer))).toBe(true);
        // The scratch buffer is reused: an earlier answer's bytes stay as they were.
        expect(service[method]!.responseDeserialize(bytes)).toEqual(
          service[method]!.responseDeserialize(reference(answer)),
        );
      }
      const first = responseEncoders[method](answers[0] as never);
      const copy = Buffer.from(first);
      for (const answer of answers) responseEncoders[method](answer as never);
      expect(first.equals(copy)).toBe(true);
    });
});
