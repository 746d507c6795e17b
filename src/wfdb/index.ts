export * from "./errors.js";
export * from "./resolve.js";
export * from "./annotation-codes.js";
export * from "./annotation.js";
export * from "./annotation-write.js";
export * from "./atomic.js";
export * from "./download.js";
export * from "./download-file.js";
