import { Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import { fitTextToMfRidge, projectText } from "../src/index.js";

describe("closed-form text → MF projection", () => {
  const rng = new Rng(3);
  const [n, t, k] = [400, 16, 4];
  const w = Float32Array.from({ length: t * k }, () => rng.normal());
  const text = Float32Array.from({ length: n * t }, () => rng.normal());
  const target = (noise: number) => {
    const y = new Float32Array(n * k);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < k; c++) {
        let s = 0.5 + c;
        for (let a = 0; a < t; a++) s += text[i * t + a]! * w[a * k + c]!;
        y[i * k + c] = s + noise * rng.normal();
      }
    return y;
  };

  it("recovers a planted linear map with its bias, from the trained items only", () => {
    const y = target(0.01);
    const trained = Uint8Array.from({ length: n }, (_, i) => (i < 300 ? 1 : 0));
    const map = fitTextToMfRidge(text, t, y, k, trained, { lambdas: [0.01, 100] });
    for (let p = 0; p < t * k; p++) expect(map.weights[p]).toBeCloseTo(w[p]!, 1);
    for (let c = 0; c < k; c++) expect(map.bias[c]).toBeCloseTo(0.5 + c, 1);
    // Items it never saw (the last 100) are projected as well as the trained ones.
    const projected = projectText(map, text.subarray(300 * t));
    let err = 0;
    for (let p = 0; p < projected.length; p++) err = Math.max(err, Math.abs(projected[p]! - y[300 * k + p]!));
    expect(err).toBeLessThan(0.1);
    expect(map.heldOutMse).toBeLessThan(0.01);
  });

  it("chooses a strong penalty on held-out error when the factors are noise", () => {
    // 200 dims for 400 items: least squares fits the noise and predicts held-out items far worse.
    const wide = Float32Array.from({ length: n * 200 }, () => rng.normal());
    const y = Float32Array.from({ length: n * k }, () => rng.normal());
    const trained = new Uint8Array(n).fill(1);
    const weak = fitTextToMfRidge(wide, 200, y, k, trained, { lambdas: [1e-6] });
    const chosen = fitTextToMfRidge(wide, 200, y, k, trained, { lambdas: [1e-6, 1e4] });
    const norm = (m: typeof weak) => Math.hypot(...m.weights);
    expect(norm(chosen)).toBeLessThan(norm(weak) / 10);
  });
});
