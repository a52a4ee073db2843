export { OnnxruntimeSession, type OnnxruntimeSessionOptions } from './onnxruntime-session.js';
export { onnxruntimeOps } from './supported-ops.js';
export {
  dtypeOfOrtType,
  fromOrtTensor,
  normaliseOrtData,
  type OrtTensorConstructor,
  toOrtTensor,
} from './tensor-conversion.js';
