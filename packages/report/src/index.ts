export * from "./escape.js";
export * from "./html-report.js";
export * from "./svg-chart.js";
