export {
  BackendRegistry,
  defaultBackendRegistry,
  registerBackend,
  resolveBackend,
} from './backend-registry.js';
export type {
  Backend,
  BackendCapabilities,
  BackendSpecificationVersion,
  ExternalDataFile,
  RunOptions,
  Session,
  SessionOptions,
  ValueMetadata,
} from './backend-specification.js';
export { deterministicLog, deterministicSinCosTurns } from './deterministic-math.js';
export {
  allocateData,
  bytesPerElement,
  type DType,
  dataTypeName,
  dtypes,
  isDataOf,
  isDType,
  type TensorData,
  type TypedArrayOf,
} from './dtype.js';
export {
  AbortError,
  type BackendAttempt,
  BackendResolutionError,
  BackendUnavailableError,
  DisposedError,
  defineErrorMarker,
  MavError,
  ModelLoadError,
  SessionInputError,
  SessionRunError,
  throwIfAborted,
  UnsupportedError,
} from './errors.js';
export { checkFeeds, checkFetches } from './feed-validation.js';
export { float16ToFloat32, float32ToFloat16, fromFloat16Bits, toFloat16Bits } from './float16.js';
export { philox4x32 } from './philox.js';
export {
  RandomStream,
  type RandomStreamOptions,
  type RandomTensorOptions,
  randomNormalTensor,
  randomUniformTensor,
} from './random-stream.js';
export {
  checkShape,
  formatShape,
  resolveReshape,
  type Shape,
  sameShape,
  shapeSize,
  shapeStrides,
} from './shape.js';
export {
  type DeviceStorage,
  type DeviceTensorOptions,
  type HostTensorOptions,
  Tensor,
  type TensorLocation,
  type TensorValues,
} from './tensor.js';
