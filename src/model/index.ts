export * from "./metrics.js";
export * from "./confusion-chart.js";
