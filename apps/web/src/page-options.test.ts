import { describe, expect, it } from 'vitest';
import { pageOptionsFrom } from './page-options.js';

describe('pageOptionsFrom', () => {
  it('defaults to the model folder next to the page', () => {
    expect(pageOptionsFrom('')).toEqual({ modelUrl: './model/', defaultModel: true });
  });

  it('reads the model, onnxruntime files, backend, steps and frames from the query', () => {
    expect(pageOptionsFrom('?model=/models/tiny/&ort=/ort/&backend=wasm&steps=2&frames=4')).toEqual({
      modelUrl: '/models/tiny/',
      defaultModel: false,
      wasmPaths: '/ort/',
      backend: 'wasm',
      steps: 2,
      numFrames: 4,
    });
  });

  it('ignores values it cannot use', () => {
    expect(pageOptionsFrom('?backend=webgl&steps=0&frames=two')).toEqual({
      modelUrl: './model/',
      defaultModel: true,
    });
  });
});
