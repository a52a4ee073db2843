import { conv2d, encodeGraph, GraphBuilder, linear, type ParameterSpec, silu } from '@mav/p3d-layers';
import type { Tensor } from '@mav/tensor';
import { type JudgeAttribute, type JudgeConfig, judgeAttributes } from './judge-config.js';

/** Graph input and output names of the classifier. */
export const judgeNames = {
  input: 'pixels',
  features: 'features',
  logits: (attribute: JudgeAttribute) => `logits_${attribute}`,
} as const;

/**
 * Declares the attribute classifier (the same network as `tooling/train/mav_train/judges/network.py`, the
 * same tensor names): 3×3 convolutions `conv1 … convN` (padding 1, the config's channels and strides), each
 * followed by SiLU; the feature layer `features` (SiLU) on the flattened map; one linear head
 * `heads.<attribute>` per attribute (logits). Its input is the object-centred crop (`objectCrops`).
 *
 *   pixels [b 3 24 24] → conv… → [b c h w] -> [b (c h w)] → features [b featureDim] → logits_<attribute>
 */
export function declareJudge(graph: GraphBuilder, config: JudgeConfig, batch: number): void {
  const size = config.cropSize;
  let h = graph.input(judgeNames.input, 'float32', [batch, 3, size, size]);
  let inChannels = 3;
  config.channels.forEach((outChannels, index) => {
    const stride = config.strides[index]!;
    h = silu(graph, conv2d(graph, h, { name: `conv${index + 1}`, inChannels, outChannels, stride }));
    inChannels = outChannels;
  });
  const flatSize = inChannels * h.dims[2]! * h.dims[3]!;
  // [b c h w] -> [b (c h w)]
  const flat = graph.reshape(h, [batch, flatSize]);
  const features = silu(
    graph,
    linear(graph, flat, { name: 'features', inFeatures: flatSize, outFeatures: config.featureDim }),
  );
  graph.output(features, judgeNames.features);
  for (const attribute of judgeAttributes) {
    const logits = linear(graph, features, {
      name: `heads.${attribute}`,
      inFeatures: config.featureDim,
      outFeatures: config.labels[attribute].length,
    });
    graph.output(logits, judgeNames.logits(attribute));
  }
}

/** The classifier's parameters (names and shapes), for checking a weight file. */
export function judgeParameterSpecs(config: JudgeConfig): ParameterSpec[] {
  const graph = new GraphBuilder({ dtype: 'float32', name: 'judge' });
  declareJudge(graph, config, 1);
  return graph.parameters;
}

/** Builds the classifier for `batch` frames as ONNX bytes, with `weights` attached by name. */
export function buildJudge(options: {
  config: JudgeConfig;
  weights: Readonly<Record<string, Tensor>>;
  batch: number;
}): Uint8Array {
  const graph = new GraphBuilder({ dtype: 'float32', name: 'judge' });
  declareJudge(graph, options.config, options.batch);
  return encodeGraph(graph, { weights: options.weights }).modelBytes;
}
