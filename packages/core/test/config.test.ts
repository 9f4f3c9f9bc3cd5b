import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, configReference, defaultConfig, envName, loadConfig } from "../src/index.js";

describe("config", () => {
  it("has documented defaults for the reference protocol", () => {
    const c = defaultConfig();
    expect(c.data.minUserInteractions).toBe(5);
    expect(c.data.minItemInteractions).toBe(5);
    expect(c.data.ratingThreshold).toBeNull();
    expect(c.eval.protocol).toBe("loo");
    expect(c.eval.ks).toEqual([10, 20]);
  });

  it("layers overrides under environment variables", () => {
    const c = loadConfig(
      { eval: { seed: 1, ks: [5] } },
      { TANDEM_EVAL_SEED: "7", TANDEM_DATA_MIN_USER_INTERACTIONS: "10", TANDEM_DATA_RATING_THRESHOLD: "4" },
    );
    expect(c.eval.seed).toBe(7);
    expect(c.eval.ks).toEqual([5]);
    expect(c.data.minUserInteractions).toBe(10);
    expect(c.data.ratingThreshold).toBe(4);
    expect(loadConfig({}, { TANDEM_EVAL_KS: "1,50" }).eval.ks).toEqual([1, 50]);
    expect(loadConfig({}, { TANDEM_STORE_REDIS_URL: "redis://h:1" }).store.redisUrl).toBe("redis://h:1");
  });

  it("names the environment variable of a field", () => {
    expect(envName(["data", "minItemInteractions"])).toBe("TANDEM_DATA_MIN_ITEM_INTERACTIONS");
  });

  it("rejects invalid values with a typed error naming each field", () => {
    let error: unknown;
    try {
      loadConfig({ eval: { protocol: "bogus" as never } }, { TANDEM_EVAL_SEED: "abc" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join("\n");
    expect(issues).toContain("eval.protocol");
    expect(issues).toContain("TANDEM_EVAL_SEED");
    expect((error as ConfigError).code).toBe("CONFIG_INVALID");
  });
});

describe("configuration reference", () => {
  it("docs/configuration.md is generated from the current schema (run `pnpm docs:config`)", () => {
    const file = readFileSync(
      join(import.meta.dirname, "..", "..", "..", "docs", "configuration.md"),
      "utf8",
    );
    expect(file).toBe(configReference());
    expect(file).toContain("| `api.port` | integer | `8080` | `TANDEM_API_PORT` |");
  });
});
