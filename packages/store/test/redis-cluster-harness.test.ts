import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestRedisCluster } from "../src/testing/index.js";

describe("TestRedisCluster", () => {
  let cluster: TestRedisCluster;
  beforeAll(async () => {
    cluster = await TestRedisCluster.start();
  }, 60_000);
  afterAll(async () => {
    await cluster.stop();
  });

  it("starts three masters that share the slots and route keys by hash tag", async () => {
    const client = cluster.client();
    try {
      await client.ping(); // loads the slot map
      expect(client.nodes("master")).toHaveLength(3);
      for (let i = 0; i < 30; i++) await client.set(`{k${i}}:x`, String(i));
      expect(await client.get("{k7}:x")).toBe("7");
      const perNode = await cluster.keysPerNode();
      expect(perNode.reduce((a, b) => a + b, 0)).toBe(30);
      expect(perNode.every((n) => n > 0)).toBe(true);
    } finally {
      client.disconnect();
    }
  });
});
