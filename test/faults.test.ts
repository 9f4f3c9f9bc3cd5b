import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  coldWorkerAcrossNightlies,
  erasureSurvivesEmptyRedis,
  faultWorld,
  killDuringPrecompute,
} from "./fault-scenarios.js";

// The fault suite: real redis-server (owned, so it can be restarted empty), the real CLI and worker
// processes started as the README says, the real encoder. Each scenario returns what was lost.
let redis: TestRedis;
const cacheDir = join(mkdtempSync(join(tmpdir(), "tandem-faults-")), "cache");
beforeAll(async () => {
  redis = await TestRedis.start({ allowExternal: false });
});
afterAll(async () => {
  await redis.stop();
});

describe("faults (real processes, real redis-server)", () => {
  it("a cold worker refreshes users, and keeps doing so across an erasure and a nightly on new data", async () => {
    expect(await coldWorkerAcrossNightlies(faultWorld(redis, "cold", cacheDir))).toEqual([]);
  }, 600_000);

  it("a nightly killed during precompute and resumed publishes a complete version or refuses", async () => {
    expect(await killDuringPrecompute(faultWorld(redis, "kill", cacheDir))).toEqual([]);
  }, 600_000);

  it("an erasure survives a Redis restart without persistence: absent from keys, jobs and artifacts", async () => {
    expect(await erasureSurvivesEmptyRedis(faultWorld(redis, "erase", cacheDir))).toEqual([]);
  }, 600_000);
});
