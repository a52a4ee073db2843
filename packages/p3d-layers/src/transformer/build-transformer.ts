import type { Tensor } from '@mav/tensor';
import { encodeGraph } from '../graph/encode-graph.js';
import { GraphBuilder, type GraphIO } from '../graph/graph-builder.js';
import type { GraphDType, ParameterSpec } from '../graph/graph-value.js';
import { checkWeights } from '../weights/check-weights.js';
import { initParameters } from '../weights/init-parameters.js';
import { declarePrior } from './diffusion-prior.js';
import { declareImageEncoder } from './image-encoder.js';
import { declareTextEncoder } from './text-encoder.js';
import type { ImageEncoderConfig, PriorConfig, TextEncoderConfig } from './transformer-config.js';

/** The transformer networks of the cascade, by kind, with their configs. */
export type TransformerNetwork =
  | { kind: 'textEncoder'; config: TextEncoderConfig }
  | { kind: 'imageEncoder'; config: ImageEncoderConfig }
  | { kind: 'prior'; config: PriorConfig };

/** Options of `buildTransformer`. */
export interface BuildTransformerOptions {
  network: TransformerNetwork;
  /** Weights by name. Default: `initTransformerWeights({ network, seed: 0 })`. */
  weights?: Readonly<Record<string, Tensor>>;
  /** Where the weights came from, for error messages. */
  weightsFileName?: string;
  /** Default 'float32'. */
  dtype?: GraphDType;
  /** Default 1. */
  batch?: number;
}

/** A built transformer network (same shape as `BuiltUNet`). */
export interface BuiltTransformer {
  modelBytes: Uint8Array;
  inputs: GraphIO[];
  outputs: GraphIO[];
  parameterCount: number;
  /** FLOPs of one forward pass at this batch (2 × multiply-adds of every Conv and MatMul). */
  flops: number;
  /** The distinct ONNX operator types the graph uses. */
  opTypes: string[];
}

function declared(network: TransformerNetwork, batch: number, dtype: GraphDType = 'float32'): GraphBuilder {
  const graph = new GraphBuilder({ dtype, name: network.kind });
  switch (network.kind) {
    case 'textEncoder':
      declareTextEncoder(graph, network.config, { batch });
      break;
    case 'imageEncoder':
      declareImageEncoder(graph, network.config, { batch });
      break;
    case 'prior':
      declarePrior(graph, network.config, { batch });
      break;
    default:
      throw new RangeError(
        `network.kind must be 'textEncoder', 'imageEncoder' or 'prior', got ${String((network as { kind: unknown }).kind)}.`,
      );
  }
  return graph;
}

function countParameters(specs: readonly ParameterSpec[]): number {
  return specs.reduce((sum, spec) => sum + spec.dims.reduce((product, dim) => product * dim, 1), 0);
}

/**
 * Builds a text encoder, image encoder or prior as an ONNX model (opset 17, static shapes). Weights are matched
 * by name; a mismatch throws one `WeightMismatchError` listing every problem.
 */
export function buildTransformer(options: BuildTransformerOptions): BuiltTransformer {
  const graph = declared(options.network, options.batch ?? 1, options.dtype ?? 'float32');
  const specs = graph.parameters;
  const weights = options.weights ?? initParameters(specs, { seed: 0 });
  checkWeights({ specs, weights, fileName: options.weightsFileName ?? 'weights' });
  const encoded = encodeGraph(graph, {
    weights,
    metadata: { [`mav.${options.network.kind}.config`]: JSON.stringify(options.network.config) },
  });
  return {
    modelBytes: encoded.modelBytes,
    inputs: graph.inputs,
    outputs: graph.outputs,
    parameterCount: countParameters(specs),
    flops: graph.flops,
    opTypes: graph.opTypes,
  };
}

/** Every parameter of a transformer network, by explicit name, with shape and initialisation. */
export function transformerParameterSpecs(network: TransformerNetwork): ParameterSpec[] {
  return declared(network, 1).parameters;
}

/** Number of parameters of a transformer network. */
export function transformerParameterCount(network: TransformerNetwork): number {
  return countParameters(transformerParameterSpecs(network));
}

/** FLOPs of one forward pass of a transformer network at `batch` (default 1). */
export function transformerFlops(network: TransformerNetwork, options: { batch?: number } = {}): number {
  return declared(network, options.batch ?? 1).flops;
}

/** Deterministic float32 weights for a transformer network (see `initParameters`). */
export function initTransformerWeights(options: {
  network: TransformerNetwork;
  seed: number;
}): Record<string, Tensor<'float32'>> {
  return initParameters(transformerParameterSpecs(options.network), { seed: options.seed });
}
