export * from "./errors.js";
export * from "./resolve.js";
