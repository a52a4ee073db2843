export { onnxruntimeOps } from '@mav/backend-onnxruntime-common';
export {
  CudaProviderMissingError,
  createOnnxruntimeNodeBackend,
  cudaInstallInstructions,
  cudaUnavailableReason,
  type NodeExecutionProvider,
  type OnnxruntimeNodeBackend,
  type OnnxruntimeNodeBackendOptions,
} from './onnxruntime-node-backend.js';
