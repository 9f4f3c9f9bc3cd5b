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

  it("layers the environment over a base file and under overrides (flags win)", () => {
    const c = loadConfig(
      { eval: { seed: 1, ks: [5] } },
      { TANDEM_EVAL_SEED: "7", TANDEM_DATA_MIN_USER_INTERACTIONS: "10", TANDEM_DATA_RATING_THRESHOLD: "4" },
      { eval: { seed: 3, bootstrap: 5000 }, data: { minUserInteractions: 2, minItemInteractions: 3 } },
    );
    expect(c.eval.seed).toBe(1);
    expect(c.eval.bootstrap).toBe(5000);
    expect(c.data.minItemInteractions).toBe(3);
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

describe("API keys", () => {
  const refused = (api: Record<string, unknown>, env: Record<string, string> = {}) => {
    try {
      loadConfig({ api }, env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).code).toBe("CONFIG_INVALID");
      return (e as ConfigError).issues.join("\n");
    }
    throw new Error("accepted");
  };

  it("refuses placeholder, short and weak keys at load time, naming the setting", () => {
    // The compose file's former default, and other copied placeholders.
    expect(refused({ writeKeys: ["change-me-to-a-long-random-key"] })).toMatch(
      /api\.writeKeys\.0 \(TANDEM_API_WRITE_KEYS[^)]*\): looks like a placeholder/,
    );
    expect(refused({}, { TANDEM_API_ADMIN_KEYS: "good-0123456789abcdef,CHANGEME-please-0000" })).toContain(
      "api.adminKeys.1",
    );
    expect(refused({ readKeys: ["your-api-key-goes-here"] })).toContain("placeholder");
    expect(refused({ readKeys: ["short-key"] })).toContain("at least 16 characters");
    expect(refused({ adminKeys: ["aaaaaaaaaaaaaaaaaaaaaaaa"] })).toContain("too weak");
    expect(refused({ readKeys: ["k-0123456789abcdef"], adminKeys: ["k-0123456789abcdef"] })).toContain(
      "also in readKeys",
    );
  });

  it("accepts random keys in every scope, reads open by default", () => {
    const c = loadConfig(
      {},
      {
        TANDEM_API_READ_KEYS: "3f9c2a7d41be86e0d5a1c4b7",
        TANDEM_API_WRITE_KEYS: "b71e0c9f2a4d6385e1f0a9c2",
        TANDEM_API_ADMIN_KEYS: "9d2e4f6a8c0b1d3e5f7a9c1e",
        TANDEM_API_OPEN_READS: "false",
      },
    );
    expect(c.api.writeKeys).toEqual(["b71e0c9f2a4d6385e1f0a9c2"]);
    expect(c.api.openReads).toBe(false);
    expect(defaultConfig().api.openReads).toBe(true);
    // An unset compose variable (`${VAR:-}`) is no key, not an empty one.
    expect(loadConfig({}, { TANDEM_API_READ_KEYS: "" }).api.readKeys).toEqual([]);
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
