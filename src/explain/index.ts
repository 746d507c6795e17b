// Explanations of ArrhythmiNet predictions, computed with the engine's own gradients.
export * from "./types.js";
export * from "./graph.js";
export * from "./explainer.js";
export * from "./gradcam.js";
export * from "./ig.js";
export * from "./shap.js";
export * from "./occlusion.js";
export * from "./explain.js";
export * from "./shifted.js";
export * from "./paths.js";
export * from "./physiology.js";
export * from "./record.js";
export * from "./render.js";
export * from "./bundle.js";
export * from "./gallery.js";
