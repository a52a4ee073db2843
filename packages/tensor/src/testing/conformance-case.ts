import type { ConformanceContext } from './conformance-context.js';

/** One check of the conformance kit: a name, the ONNX ops it needs, and the check itself. */
export interface ConformanceCase {
  readonly name: string;
  /** ONNX ops (default domain) the case's graphs use; must all be in the backend's capabilities. */
  readonly ops: readonly string[];
  /** Only run when the backend can keep outputs on a device. */
  readonly needsDeviceOutputs?: boolean;
  run(context: ConformanceContext): Promise<void>;
}
