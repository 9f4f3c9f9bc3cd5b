import { describe, expect, it } from "vitest";
import { barChart, htmlReport, lineChart } from "../src/index.js";

/** Minimal well-formedness check: every opened tag is closed in order (SVG is XML). */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    if (selfClose) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

describe("charts", () => {
  it("draws one polyline per series with a legend, escaped labels and scaled points", () => {
    const svg = lineChart(
      [
        {
          name: "ALS <val>",
          points: [
            { x: 1, y: 0.01 },
            { x: 2, y: 0.03 },
            { x: 3, y: 0.02 },
          ],
        },
        {
          name: "BPR",
          points: [
            { x: 1, y: 0.005 },
            { x: 2, y: 0.01 },
          ],
        },
      ],
      { title: "NDCG@10 by epoch", xLabel: "epoch", yLabel: "NDCG@10" },
    );
    expect(wellFormed(svg)).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain("ALS &lt;val&gt;");
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys[1]).toBeLessThan(ys[0]!); // higher value is drawn higher (smaller y)
  });

  it("draws grouped bars proportional to values", () => {
    const svg = barChart(["consumed", "recommended"], [{ name: "pop", values: [10, 40] }], {
      title: "Popularity",
      xLabel: "",
      yLabel: "mean interactions",
    });
    expect(wellFormed(svg)).toBe(true);
    const heights = [
      ...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill/g),
    ].map((m) => Number(m[1]));
    expect(heights[1]! / heights[0]!).toBeCloseTo(4, 1);
  });

  it("says so when there is nothing to plot", () => {
    expect(lineChart([], { title: "t", xLabel: "x", yLabel: "y" })).toContain("no data");
  });
});

describe("htmlReport", () => {
  it("renders sections, tables with numeric alignment, and inline figures", () => {
    const html = htmlReport("Run 1", "ml-latest-small", [
      {
        title: "Metrics",
        tables: [{ headers: ["Model", "Recall@10"], rows: [["pop", 0.0443]] }],
        figures: [{ caption: "curve", svg: lineChart([], { title: "t", xLabel: "x", yLabel: "y" }) }],
      },
    ]);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<td class="n">0.0443</td>');
    expect(html).toContain("<figcaption>curve</figcaption>");
    expect(wellFormed(html.replace(/<!doctype html>|<meta[^>]*>/g, ""))).toBe(true);
  });
});
