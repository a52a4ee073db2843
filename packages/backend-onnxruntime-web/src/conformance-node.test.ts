import {
  type ConformanceReport,
  conformanceCases,
  formatConformanceReport,
  runConformanceSuite,
} from '@mav/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOnnxruntimeWebBackend } from './onnxruntime-web-backend.js';

describe('onnxruntime-web WASM in Node passes the conformance kit', () => {
  let report: ConformanceReport;
  beforeAll(async () => {
    report = await runConformanceSuite({
      backend: createOnnxruntimeWebBackend({ executionProvider: 'wasm' }),
    });
  });

  it('runs every case with no failure', () => {
    expect(report.results.map((result) => result.name)).toEqual(conformanceCases.map((entry) => entry.name));
    expect(report.failed, formatConformanceReport(report)).toBe(0);
  });

  it.each(conformanceCases.map((entry) => entry.name))('%s', (name) => {
    const result = report.results.find((entry) => entry.name === name)!;
    expect(result.status, result.message).toBe(
      name.startsWith('outputs kept on the device') ? 'not-applicable' : 'passed',
    );
  });

  it('refuses WebGPU where there is none, saying why', async () => {
    const backend = createOnnxruntimeWebBackend({ executionProvider: 'webgpu' });
    await expect(backend.init()).rejects.toThrow(/navigator\.gpu is missing/);
  });
});
