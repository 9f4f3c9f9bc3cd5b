import { escapeXml } from "./escape.js";

export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
const MARGIN = { left: 60, right: 150, top: 30, bottom: 45 };

/** Round numbers for axis ticks between lo and hi. */
function ticks(lo: number, hi: number, count = 5): number[] {
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / count;
  const step = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / nice) * nice; t <= hi + 1e-12; t += nice) out.push(Number(t.toPrecision(10)));
  return out;
}

const fmt = (n: number) => (Math.abs(n) >= 1000 ? n.toExponential(1) : Number(n.toPrecision(3)).toString());

function frame(o: ChartOptions, xs: number[], ys: number[]) {
  const width = o.width ?? 640;
  const height = o.height ?? 320;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys) || 1];
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (x1 === x0 ? plotW / 2 : ((x - x0) / (x1 - x0)) * plotW);
  const sy = (y: number) => MARGIN.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const axes = [
    `<text x="${width / 2 - MARGIN.right / 2}" y="18" text-anchor="middle" font-weight="bold">${escapeXml(o.title)}</text>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    ...ticks(y0, y1).map(
      (t) =>
        `<line x1="${MARGIN.left}" y1="${sy(t)}" x2="${MARGIN.left + plotW}" y2="${sy(t)}" stroke="#eee"/>` +
        `<text x="${MARGIN.left - 6}" y="${sy(t) + 4}" text-anchor="end">${fmt(t)}</text>`,
    ),
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`,
    `<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`,
  ];
  return { width, height, sx, sy, axes, x0, x1, plotW, plotH };
}

const svg = (width: number, height: number, body: string[]) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">${body.join("")}</svg>`;

/** Line chart, one polyline per series, with a legend. Self-contained SVG (no scripts, no fonts). */
export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0)
    return svg(o.width ?? 640, 60, [`<text x="10" y="30">${escapeXml(o.title)}: no data</text>`]);
  const f = frame(
    o,
    all.map((p) => p.x),
    all.map((p) => p.y),
  );
  const body = [...f.axes];
  for (const t of ticks(f.x0, f.x1)) {
    body.push(`<text x="${f.sx(t)}" y="${MARGIN.top + f.plotH + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const pts = s.points.map((p) => `${f.sx(p.x).toFixed(1)},${f.sy(p.y).toFixed(1)}`).join(" ");
    body.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts}"/>`);
    for (const p of s.points)
      body.push(
        `<circle cx="${f.sx(p.x).toFixed(1)}" cy="${f.sy(p.y).toFixed(1)}" r="2.5" fill="${color}"/>`,
      );
    const ly = MARGIN.top + 14 * i;
    body.push(
      `<rect x="${f.width - MARGIN.right + 10}" y="${ly}" width="10" height="10" fill="${color}"/>` +
        `<text x="${f.width - MARGIN.right + 25}" y="${ly + 9}">${escapeXml(s.name)}</text>`,
    );
  });
  return svg(f.width, f.height, body);
}

/** Grouped bar chart: one group per category, one bar per series. */
export function barChart(
  categories: readonly string[],
  series: readonly { name: string; values: number[] }[],
  o: ChartOptions,
): string {
  const values = series.flatMap((s) => s.values);
  const f = frame(o, [0, categories.length], values.length ? values : [0]);
  const body = [...f.axes];
  const group = f.plotW / Math.max(1, categories.length);
  const bar = (group * 0.8) / Math.max(1, series.length);
  categories.forEach((c, ci) => {
    body.push(
      `<text x="${MARGIN.left + group * (ci + 0.5)}" y="${MARGIN.top + f.plotH + 16}" text-anchor="middle">${escapeXml(c)}</text>`,
    );
    series.forEach((s, si) => {
      const v = s.values[ci] ?? 0;
      const x = MARGIN.left + group * ci + group * 0.1 + bar * si;
      const y = f.sy(v);
      body.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${(f.sy(0) - y).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${escapeXml(`${s.name} ${c}: ${fmt(v)}`)}</title></rect>`,
      );
    });
  });
  series.forEach((s, i) => {
    const ly = MARGIN.top + 14 * i;
    body.push(
      `<rect x="${f.width - MARGIN.right + 10}" y="${ly}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>` +
        `<text x="${f.width - MARGIN.right + 25}" y="${ly + 9}">${escapeXml(s.name)}</text>`,
    );
  });
  return svg(f.width, f.height, body);
}
