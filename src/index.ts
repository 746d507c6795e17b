// Public, typed library API of arrhythmia-vision. The CLI and the web app use only what is exported here.
// Domains depend one way: wfdb → signal → beats → model → explain → analyze.
export * from "./wfdb/index.js";
export * from "./signal/index.js";
export * from "./beats/index.js";
export * from "./model/index.js";
export * from "./explain/index.js";
export * from "./analyze/index.js";
