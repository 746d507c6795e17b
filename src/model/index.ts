export * from "./metrics.js";
export * from "./confusion-chart.js";
export * from "./bundle.js";
export * from "./arrhythminet.js";
export { createTrainer, oneHot, type Trainer, type TrainerOptions } from "./trainer.js";
export type { Weights } from "./engine/module.js";
export * from "./schedule.js";
export * from "./checkpoint.js";
export * from "./batches.js";
