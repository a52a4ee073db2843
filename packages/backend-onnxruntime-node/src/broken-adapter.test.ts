import { type Backend, type Session, Tensor } from '@mav/tensor';
import { type ConformanceReport, runConformanceSuite } from '@mav/tensor/testing';
import { describe, expect, it } from 'vitest';
import { createOnnxruntimeNodeBackend } from './onnxruntime-node-backend.js';

type Fault = 'perturb-floats' | 'skip-validation' | 'ignore-release' | 'lossy-int64' | 'drop-ops';

/** Wraps the real backend with one deliberate fault, to prove the kit notices it. */
function brokenBackend(fault: Fault): Backend {
  const real = createOnnxruntimeNodeBackend({ threads: 2 });
  return {
    specificationVersion: 'v1',
    name: `broken:${fault}`,
    capabilities:
      fault === 'drop-ops'
        ? { ...real.capabilities, ops: real.capabilities.ops.filter((op) => op !== 'Resize') }
        : real.capabilities,
    init: () => real.init(),
    async createSession(model, options) {
      const session = await real.createSession(model, options);
      let released = false;
      const broken: Session = {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        inputMetadata: fault === 'skip-validation' ? [] : session.inputMetadata,
        outputMetadata: session.outputMetadata,
        async run(feeds, runOptions) {
          if (fault === 'skip-validation') {
            // Pretend every feed is fine: drop unknown names and let the runtime see the rest.
            const known = Object.fromEntries(
              Object.entries(feeds).filter(([name]) => session.inputNames.includes(name)),
            );
            try {
              return await session.run(known, runOptions);
            } catch {
              return {};
            }
          }
          if (fault === 'ignore-release' && released) {
            return {};
          }
          const outputs = await session.run(feeds, runOptions);
          for (const [name, tensor] of Object.entries(outputs)) {
            if (fault === 'perturb-floats' && tensor.dtype === 'float32') {
              const data = Float32Array.from(tensor.data as Float32Array, (value) => value + 1e-3);
              outputs[name] = new Tensor({ dtype: 'float32', dims: tensor.dims, data });
            }
            if (fault === 'lossy-int64' && tensor.dtype === 'int64') {
              const data = BigInt64Array.from(tensor.data as BigInt64Array, (value) => BigInt(Number(value)));
              outputs[name] = new Tensor({ dtype: 'int64', dims: tensor.dims, data });
            }
          }
          return outputs;
        },
        async release() {
          if (fault === 'ignore-release') {
            released = true;
            return;
          }
          await session.release();
        },
      };
      return broken;
    },
  };
}

function failedNames(report: ConformanceReport): string[] {
  return report.results.filter((result) => result.status === 'failed').map((result) => result.name);
}

describe('the conformance kit catches broken adapters', () => {
  it('fails every numeric case when float outputs are off by 1e-3', async () => {
    const report = await runConformanceSuite({ backend: brokenBackend('perturb-floats') });
    const failed = failedNames(report);
    for (const name of [
      'Conv 2-D (3x3, padding 1, bias)',
      'Conv 1-D (kernel 3, padding 1: the temporal convolution)',
      'MatMul (batched and broadcast)',
      'Softmax (last axis, large logits)',
      'Resize (nearest 2x upsampling, bilinear half-pixel)',
      'dtype round trip: float32',
    ]) {
      expect(failed).toContain(name);
    }
    expect(failed).not.toContain('dtype round trip: int64');
  });

  it('fails the input-error case when feeds are not validated', async () => {
    const report = await runConformanceSuite({
      backend: brokenBackend('skip-validation'),
      only: ['wrong feeds'],
    });
    expect(report.failed).toBe(1);
    expect(report.results[0]!.message).toMatch(/expected SessionInputError/);
  });

  it('fails the release case when release does nothing', async () => {
    const report = await runConformanceSuite({
      backend: brokenBackend('ignore-release'),
      only: ['release and dispose'],
    });
    expect(report.failed).toBe(1);
    expect(report.results[0]!.message).toMatch(/run after release: expected DisposedError/);
  });

  it('fails the int64 round trip when int64 goes through float64', async () => {
    const report = await runConformanceSuite({
      backend: brokenBackend('lossy-int64'),
      only: ['dtype round trip'],
    });
    expect(failedNames(report)).toEqual(['dtype round trip: int64']);
    expect(report.results.find((result) => result.status === 'failed')!.message).toMatch(/9007199254740993/);
  });

  it('fails a case whose op the backend does not declare', async () => {
    const report = await runConformanceSuite({ backend: brokenBackend('drop-ops'), only: ['Resize'] });
    expect(report.failed).toBe(1);
    expect(report.results[0]!.message).toMatch(/does not declare ops Resize/);
  });
});
