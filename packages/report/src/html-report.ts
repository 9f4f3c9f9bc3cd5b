import { escapeXml } from "./escape.js";

/** A report section: a heading, optional paragraphs, tables (header + rows) and inline SVG figures. */
export interface ReportSection {
  title: string;
  paragraphs?: string[];
  tables?: { caption?: string; headers: string[]; rows: (string | number)[][] }[];
  figures?: { caption: string; svg: string }[];
}

const cell = (c: string | number) =>
  typeof c === "number"
    ? `<td class="n">${Number.isInteger(c) ? c.toLocaleString("en-US") : Math.abs(c) < 1 ? c.toFixed(4) : c.toFixed(2)}</td>`
    : `<td>${escapeXml(c)}</td>`;

/** One self-contained HTML page (inline CSS and SVG; opens offline, prints well). */
export function htmlReport(title: string, subtitle: string, sections: readonly ReportSection[]): string {
  const body = sections
    .map((s) => {
      const paragraphs = (s.paragraphs ?? []).map((p) => `<p>${escapeXml(p)}</p>`).join("\n");
      const tables = (s.tables ?? [])
        .map(
          (t) =>
            `<table>${t.caption ? `<caption>${escapeXml(t.caption)}</caption>` : ""}<thead><tr>${t.headers
              .map((h) => `<th>${escapeXml(h)}</th>`)
              .join(
                "",
              )}</tr></thead><tbody>${t.rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("")}</tbody></table>`,
        )
        .join("\n");
      const figures = (s.figures ?? [])
        .map((f) => `<figure>${f.svg}<figcaption>${escapeXml(f.caption)}</figcaption></figure>`)
        .join("\n");
      return `<section><h2>${escapeXml(s.title)}</h2>\n${paragraphs}\n${tables}\n${figures}</section>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:0}.sub{color:#666;margin-top:.3em}
table{border-collapse:collapse;margin:1em 0;font-size:14px}caption{text-align:left;font-weight:bold;margin-bottom:.3em}
th,td{border:1px solid #ddd;padding:4px 8px}th{background:#f5f5f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}figcaption{color:#555;font-size:13px}
</style></head><body>
<h1>${escapeXml(title)}</h1><p class="sub">${escapeXml(subtitle)}</p>
${body}
</body></html>
`;
}
