import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { type Backend, RandomStream, Tensor } from '@mav/tensor';
import { encodeGraph } from '../src/graph/encode-graph.js';
import { GraphBuilder } from '../src/graph/graph-builder.js';
import type { GraphValue } from '../src/graph/graph-value.js';
import { type ReferenceTensor, referenceTensor } from '../src/testing/reference-layers.js';
import { initParameters } from '../src/weights/init-parameters.js';

let backendPromise: Promise<Backend> | undefined;

/** The onnxruntime-node CPU backend, initialised once per test file. */
export function nodeBackend(): Promise<Backend> {
  backendPromise ??= (async () => {
    const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 2 });
    await backend.init();
    return backend;
  })();
  return backendPromise;
}

/** Standard normal values of a given shape from a seeded stream. */
export function randomTensor(dims: readonly number[], seed: number, stream = 0): ReferenceTensor {
  const size = dims.reduce((product, dim) => product * dim, 1);
  return referenceTensor(dims, new RandomStream({ seed, stream }).normal(size));
}

/** What `runLayer` returns: the ONNX output and the (random) parameters the layer was built with. */
export interface LayerRun {
  output: ReferenceTensor;
  weights: Record<string, ReferenceTensor>;
  parameterNames: string[];
}

/**
 * Builds a float32 graph around one layer (inputs named as given), fills its parameters with
 * `initParameters(seed, temporalInit: 'random')`, runs it on onnxruntime-node and returns the output.
 */
export async function runLayer(options: {
  inputs: Record<string, ReferenceTensor>;
  build: (graph: GraphBuilder, inputs: Record<string, GraphValue>) => GraphValue;
  seed?: number;
  temporalInit?: 'identity' | 'random';
}): Promise<LayerRun> {
  const graph = new GraphBuilder({ dtype: 'float32', name: 'layer' });
  const values: Record<string, GraphValue> = {};
  for (const [name, tensor] of Object.entries(options.inputs))
    values[name] = graph.input(name, 'float32', tensor.dims);
  graph.output(options.build(graph, values), 'output');
  const weights = initParameters(graph.parameters, {
    seed: options.seed ?? 7,
    temporalInit: options.temporalInit ?? 'random',
  });
  const { modelBytes } = encodeGraph(graph, { weights });
  const session = await (await nodeBackend()).createSession(modelBytes);
  try {
    const feeds: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(options.inputs)) {
      feeds[name] = new Tensor({ dtype: 'float32', dims: tensor.dims, data: tensor.data });
    }
    const result = (await session.run(feeds)).output!;
    const referenceWeights: Record<string, ReferenceTensor> = {};
    for (const [name, tensor] of Object.entries(weights))
      referenceWeights[name] = referenceTensor(tensor.dims, tensor.data);
    return {
      output: referenceTensor(result.dims, result.data as Float32Array),
      weights: referenceWeights,
      parameterNames: graph.parameters.map((spec) => spec.name),
    };
  } finally {
    await session.release();
  }
}

/** `[b c f h w]` -> `[(b f) c h w]` (the folded layout the layers take). */
export function foldFrames(video: ReferenceTensor): ReferenceTensor {
  const [b, c, f, h, w] = video.dims as [number, number, number, number, number];
  const out = referenceTensor([b * f, c, h, w]);
  for (let batch = 0; batch < b; batch++)
    for (let channel = 0; channel < c; channel++)
      for (let frame = 0; frame < f; frame++)
        for (let p = 0; p < h * w; p++)
          out.data[((batch * f + frame) * c + channel) * h * w + p] =
            video.data[((batch * c + channel) * f + frame) * h * w + p]!;
  return out;
}

/** `[(b f) c h w]` -> `[b c f h w]`. */
export function unfoldFrames(folded: ReferenceTensor, numFrames: number): ReferenceTensor {
  const [bf, c, h, w] = folded.dims as [number, number, number, number];
  const b = bf / numFrames;
  const out = referenceTensor([b, c, numFrames, h, w]);
  for (let batch = 0; batch < b; batch++)
    for (let channel = 0; channel < c; channel++)
      for (let frame = 0; frame < numFrames; frame++)
        for (let p = 0; p < h * w; p++)
          out.data[((batch * c + channel) * numFrames + frame) * h * w + p] =
            folded.data[((batch * numFrames + frame) * c + channel) * h * w + p]!;
  return out;
}
