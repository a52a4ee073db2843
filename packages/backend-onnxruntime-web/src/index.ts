export { onnxruntimeOps } from '@mav/backend-onnxruntime-common';
export {
  createOnnxruntimeWebBackend,
  type OnnxruntimeWebBackendOptions,
  type WebExecutionProvider,
  webgpuUnavailableReason,
} from './onnxruntime-web-backend.js';
