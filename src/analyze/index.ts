// Analyze: whole records and streams of samples -> classified beats and a summary.
export * from "./analyze.js";
export * from "./default-model.js";
export * from "./record.js";
export * from "./stream.js";
export * from "./stream-record.js";
export * from "./summary.js";
export * from "./end-to-end.js";
