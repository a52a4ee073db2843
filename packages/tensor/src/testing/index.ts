/**
 * @mav/tensor/testing: the backend conformance kit. An adapter package calls `runConformanceSuite` from its
 * own test file (in Node, or in a browser page) and asserts that the report has no failures.
 *
 * Needs the optional peer dependency `@mav/onnx-proto` (to build the test graphs).
 */
export type { ConformanceCase } from './conformance-case.js';
export { ConformanceContext, ConformanceFailure } from './conformance-context.js';
export {
  type ConformanceCaseResult,
  type ConformanceOptions,
  type ConformanceReport,
  conformanceCases,
  formatConformanceReport,
  runConformanceSuite,
} from './conformance-suite.js';
export * as referenceMath from './reference-math.js';
