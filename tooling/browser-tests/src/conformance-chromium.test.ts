import { fileURLToPath } from 'node:url';
import { runInBrowser } from '@mav/browser-harness';
import { type ConformanceReport, conformanceCases, formatConformanceReport } from '@mav/tensor/testing';
import { describe, expect, it } from 'vitest';
import { onnxruntimeWebDist } from './onnxruntime-web-assets.js';

const entry = fileURLToPath(new URL('./entries/conformance.browser.ts', import.meta.url));

async function runKitInChromium(executionProvider: 'wasm' | 'webgpu'): Promise<ConformanceReport> {
  const { value } = await runInBrowser<ConformanceReport>({
    entry,
    args: { executionProvider, wasmPaths: '/ort/' },
    webgpu: executionProvider === 'webgpu',
    staticDirs: { '/ort/': onnxruntimeWebDist() },
    timeoutMs: 540_000,
  });
  return value;
}

describe.each(['wasm', 'webgpu'] as const)(
  'onnxruntime-web %s in headless Chromium passes the conformance kit',
  (executionProvider) => {
    it('passes every case', async () => {
      const report = await runKitInChromium(executionProvider);
      expect(report.backend).toBe(`onnxruntime-web:${executionProvider}`);
      expect(report.results.map((result) => result.name)).toEqual(
        conformanceCases.map((entry) => entry.name),
      );
      expect(report.failed, formatConformanceReport(report)).toBe(0);
      const deviceCase = report.results.find((result) =>
        result.name.startsWith('outputs kept on the device'),
      )!;
      // WebGPU keeps outputs on the GPU between runs; WASM has no device, and the report must say so.
      expect(deviceCase.status).toBe(executionProvider === 'webgpu' ? 'passed' : 'not-applicable');
    });
  },
);
