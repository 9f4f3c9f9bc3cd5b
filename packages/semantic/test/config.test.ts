import { ConfigError, loadConfig } from "@tandem/core";
import { describe, expect, it } from "vitest";

describe("semantic config", () => {
  it("has offline-friendly defaults", () => {
    const s = loadConfig({}, {}).semantic;
    expect(s.encoder).toBe("use-lite");
    expect(s.halfLifeDays).toBe(180);
    expect(s.batchSize).toBe(32);
    expect(s.textTemplate).toContain("{title}");
  });

  it("reads overrides from the environment", () => {
    const s = loadConfig(
      {},
      {
        TANDEM_SEMANTIC_ENCODER: "http",
        TANDEM_SEMANTIC_HTTP_URL: "http://vllm:8000/v1",
        TANDEM_SEMANTIC_HALF_LIFE_DAYS: "30",
        TANDEM_SEMANTIC_OFFLINE: "true",
        TANDEM_SEMANTIC_MODEL_DIR: "/models",
        TANDEM_SEMANTIC_HALF_LIFE_GRID: "1,7",
      },
    ).semantic;
    expect(s).toMatchObject({
      encoder: "http",
      httpUrl: "http://vllm:8000/v1",
      halfLifeDays: 30,
      offline: true,
      modelDir: "/models",
      halfLifeGrid: [1, 7],
    });
  });

  it("rejects an unknown encoder", () => {
    expect(() => loadConfig({}, { TANDEM_SEMANTIC_ENCODER: "word2vec" })).toThrow(ConfigError);
  });
});
