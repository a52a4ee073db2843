import type { Tensor } from '@mav/tensor';
import { type ExternalDataOptions, encodeGraph } from '../graph/encode-graph.js';
import { GraphBuilder, type GraphIO } from '../graph/graph-builder.js';
import type { GraphDType, ParameterSpec } from '../graph/graph-value.js';
import { checkWeights } from '../weights/check-weights.js';
import { initParameters } from '../weights/init-parameters.js';
import { declareUNet, type UNetShape } from './declare-unet.js';
import { resolveUNetConfig, type UNetConfig } from './unet-config.js';

/** Options of `buildUNet`. */
export interface BuildUNetOptions {
  config: UNetConfig;
  /** Weights by name (float32 or float16 tensors). Default: `initUNetWeights({ config, seed: 0 })`. */
  weights?: Readonly<Record<string, Tensor>>;
  /** Where the weights came from, for error messages. */
  weightsFileName?: string;
  /** Element type of weights, activations and float inputs/outputs. Default 'float32'. */
  dtype?: GraphDType;
  /** Default 1. */
  batch?: number;
  /** Default 16 for a video config, 1 for an image config. */
  numFrames?: number;
  /** Default `config.sampleSize`. */
  height?: number;
  /** Default `config.sampleSize`. */
  width?: number;
  /** Writes the weights to a separate external-data buffer (needed past protobuf's 2 GiB). */
  externalData?: ExternalDataOptions;
}

/** A built UNet. */
export interface BuiltUNet {
  /** The ONNX model (opset 17). */
  modelBytes: Uint8Array;
  /** The external-data file, when `externalData` was asked for. */
  externalData?: Uint8Array;
  /** Graph inputs with their element types and static shapes. */
  inputs: GraphIO[];
  /** Graph outputs (`model_output`). */
  outputs: GraphIO[];
  parameterCount: number;
  /** FLOPs of one forward pass at this shape (2 × multiply-adds of every Conv and MatMul). */
  flops: number;
  /** The distinct ONNX operator types the graph uses (check them against `Backend.capabilities.ops`). */
  opTypes: string[];
}

function shapeOf(config: UNetConfig, options: Partial<UNetShape>): UNetShape {
  const resolved = resolveUNetConfig(config);
  return {
    batch: options.batch ?? 1,
    numFrames: options.numFrames ?? (resolved.temporalLayers ? 16 : 1),
    height: options.height ?? resolved.sampleSize,
    width: options.width ?? resolved.sampleSize,
  };
}

function declared(config: UNetConfig, shape: UNetShape, dtype: GraphDType = 'float32'): GraphBuilder {
  const graph = new GraphBuilder({ dtype, name: 'unet' });
  declareUNet(graph, config, shape);
  return graph;
}

/**
 * Builds the UNet of `config` as an ONNX model with static shapes: inputs `sample [b c f h w]`,
 * `timestep [b]` (float32), and, as the config says, `fps [b]`, `conditioning_vector [b d]`,
 * `conditioning_tokens [b m d]`, `frame_conditioning [b k f h w]`, `low_res_sample [b c f h w]`,
 * `noise_level [b]`; output `model_output [b outChannels f h w]`. Weights are matched by name; a mismatch
 * throws one `WeightMismatchError` listing every problem.
 */
export function buildUNet(options: BuildUNetOptions): BuiltUNet {
  const dtype = options.dtype ?? 'float32';
  const graph = declared(options.config, shapeOf(options.config, options), dtype);
  const specs = graph.parameters;
  const weights = options.weights ?? initParameters(specs, { seed: 0 });
  checkWeights({ specs, weights, fileName: options.weightsFileName ?? 'weights' });
  const encoded = encodeGraph(graph, {
    weights,
    ...(options.externalData ? { externalData: options.externalData } : {}),
    metadata: { 'mav.unet.config': JSON.stringify(resolveUNetConfig(options.config)) },
  });
  return {
    ...encoded,
    inputs: graph.inputs,
    outputs: graph.outputs,
    parameterCount: countParameters(specs),
    flops: graph.flops,
    opTypes: graph.opTypes,
  };
}

function countParameters(specs: readonly ParameterSpec[]): number {
  return specs.reduce((sum, spec) => sum + spec.dims.reduce((product, dim) => product * dim, 1), 0);
}

/** Every parameter of the UNet of `config`, by explicit name, in declaration order, with shape and init. */
export function unetParameterSpecs(config: UNetConfig): ParameterSpec[] {
  const levels = resolveUNetConfig(config).channelMultipliers.length;
  const size = 2 ** (levels - 1);
  return declared(config, { batch: 1, numFrames: 1, height: size, width: size }).parameters;
}

/** Number of parameters of the UNet of `config`. */
export function unetParameterCount(config: UNetConfig): number {
  return countParameters(unetParameterSpecs(config));
}

/**
 * FLOPs of one forward pass (2 × multiply-adds of every Conv and MatMul; norms and activations are not
 * counted) at the given size. `batch` defaults to 1.
 */
export function unetFlops(
  config: UNetConfig,
  shape: { numFrames: number; height: number; width: number; batch?: number },
): number {
  return declared(config, { batch: 1, ...shape }).flops;
}

/** Options of `initUNetWeights`. */
export interface InitUNetWeightsOptions {
  config: UNetConfig;
  seed: number;
  /** 'identity' (default): temporal layers start as the identity (see `inflate`); 'random': random too. */
  temporalInit?: 'identity' | 'random';
}

/**
 * Deterministic float32 weights for a config from the seeded Philox streams of `@mav/tensor` (one stream
 * per parameter name), so tests need no binary fixtures. See `initParameters` for the distributions.
 */
export function initUNetWeights(options: InitUNetWeightsOptions): Record<string, Tensor<'float32'>> {
  return initParameters(unetParameterSpecs(options.config), {
    seed: options.seed,
    temporalInit: options.temporalInit ?? 'identity',
  });
}
