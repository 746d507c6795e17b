// The primitive set of the engine (each op owns its forward emission and its backward rule).
export { add, sub, mul, relu, reshape } from "./elementwise.js";
export { conv1d, convOutLength, type Conv1dOptions } from "./conv.js";
export { matmul, linear, type MatmulOptions } from "./linear.js";
export { batchNormTrain, batchNormEval, channelAffine, type Layout } from "./norm.js";
export { sum, mean, globalAvgPool, concat } from "./reduce.js";
export { focalCrossEntropy, softmaxCrossEntropy } from "./loss.js";
export { pointwiseCM, depthwiseCM, inputConvCM, toeplitzSelector } from "./channelmajor.js";
export { transpose } from "./elementwise.js";
export { dropout } from "./dropout.js";
export { meanProbLogits } from "./ensemble.js";
