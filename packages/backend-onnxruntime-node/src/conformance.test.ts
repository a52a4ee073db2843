import {
  type ConformanceReport,
  conformanceCases,
  formatConformanceReport,
  runConformanceSuite,
} from '@mav/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOnnxruntimeNodeBackend } from './onnxruntime-node-backend.js';

describe('onnxruntime-node CPU passes the conformance kit', () => {
  let report: ConformanceReport;
  beforeAll(async () => {
    report = await runConformanceSuite({ backend: createOnnxruntimeNodeBackend({ threads: 2 }) });
  });

  it('runs every case', () => {
    expect(report.results.map((result) => result.name)).toEqual(conformanceCases.map((entry) => entry.name));
    expect(report.failed, formatConformanceReport(report)).toBe(0);
  });

  it.each(conformanceCases.map((entry) => entry.name))('%s', (name) => {
    const result = report.results.find((entry) => entry.name === name)!;
    if (name.startsWith('outputs kept on the device')) {
      // onnxruntime-node returns host outputs: the device case does not apply, and the report must say so.
      expect(result.status).toBe('not-applicable');
    } else {
      expect(result.status, result.message).toBe('passed');
    }
  });
});
