export * from "./metrics.js";
export * from "./confusion-chart.js";
export * from "./bundle.js";
