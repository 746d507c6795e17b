export * from "./options.js";
export * from "./candidate.js";
export * from "./stream.js";
export * from "./detect.js";
export * from "./score.js";
