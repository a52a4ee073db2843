import type { Backend } from '../backend-specification.js';
import { MavError } from '../errors.js';
import type { ConformanceCase } from './conformance-case.js';
import { ConformanceContext } from './conformance-context.js';
import { contractCases } from './contract-cases.js';
import { dtypeCases } from './dtype-cases.js';
import { numericCases } from './numeric-cases.js';

/** Every case of the kit, in the order they run. */
export const conformanceCases: readonly ConformanceCase[] = [
  ...numericCases,
  ...dtypeCases,
  ...contractCases,
];

/** The outcome of one case. */
export interface ConformanceCaseResult {
  name: string;
  status: 'passed' | 'failed' | 'not-applicable';
  /** Why it failed, or why it does not apply. */
  message?: string;
  durationMs: number;
}

/** The outcome of a whole run. */
export interface ConformanceReport {
  backend: string;
  results: ConformanceCaseResult[];
  passed: number;
  failed: number;
  notApplicable: number;
}

/** Options of `runConformanceSuite`. */
export interface ConformanceOptions {
  backend: Backend;
  /** Run only cases whose name contains one of these strings. */
  only?: readonly string[];
  /** Called after each case (e.g. to stream results to a test runner). */
  onResult?: (result: ConformanceCaseResult) => void;
}

function errorMessage(error: unknown): string {
  if (MavError.isInstance(error) || error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}

/**
 * Checks a backend adapter against the backend specification. Works the same in Node and in browsers.
 *
 * Every case builds small ONNX graphs in-process and compares the adapter's results with plain-TypeScript
 * reference math or with the behaviour the specification requires. A case fails when the backend does not
 * declare an op the case needs (an adapter must support every op mav uses); the device-output case is
 * not applicable to backends whose capabilities list no device location. Returns a report; it never
 * throws for a failing case.
 */
export async function runConformanceSuite(options: ConformanceOptions): Promise<ConformanceReport> {
  const { backend } = options;
  await backend.init();
  const results: ConformanceCaseResult[] = [];
  const cases = conformanceCases.filter(
    (conformanceCase) => !options.only || options.only.some((part) => conformanceCase.name.includes(part)),
  );
  for (const [index, conformanceCase] of cases.entries()) {
    const started = performance.now();
    const result = await runCase(
      backend,
      conformanceCase,
      conformanceCases.indexOf(conformanceCase) ?? index,
    );
    result.durationMs = performance.now() - started;
    results.push(result);
    options.onResult?.(result);
  }
  return {
    backend: backend.name,
    results,
    passed: results.filter((result) => result.status === 'passed').length,
    failed: results.filter((result) => result.status === 'failed').length,
    notApplicable: results.filter((result) => result.status === 'not-applicable').length,
  };
}

async function runCase(
  backend: Backend,
  conformanceCase: ConformanceCase,
  caseIndex: number,
): Promise<ConformanceCaseResult> {
  const name = conformanceCase.name;
  if (conformanceCase.needsDeviceOutputs && !backend.capabilities.outputLocations.includes('gpu-buffer')) {
    return {
      name,
      status: 'not-applicable',
      message: 'the backend keeps no outputs on a device',
      durationMs: 0,
    };
  }
  const missing = conformanceCase.ops.filter((op) => !backend.capabilities.ops.includes(op));
  if (missing.length > 0) {
    return {
      name,
      status: 'failed',
      message: `the backend does not declare ops ${missing.join(', ')}`,
      durationMs: 0,
    };
  }
  const context = new ConformanceContext(backend, caseIndex);
  try {
    await conformanceCase.run(context);
    await context.dispose();
    return { name, status: 'passed', durationMs: 0 };
  } catch (error) {
    await context.dispose().catch(() => undefined);
    return { name, status: 'failed', message: errorMessage(error), durationMs: 0 };
  }
}

/** A readable multi-line summary of a report (for test failure messages). */
export function formatConformanceReport(report: ConformanceReport): string {
  const lines = report.results.map(
    (result) =>
      `${result.status === 'passed' ? 'ok  ' : result.status === 'failed' ? 'FAIL' : 'n/a '} ${result.name}${result.message ? ` — ${result.message}` : ''}`,
  );
  return [
    `${report.backend}: ${report.passed} passed, ${report.failed} failed, ${report.notApplicable} not applicable`,
    ...lines,
  ].join('\n');
}
