import type { OnnxElementType } from '@mav/onnx-proto';

/** Element types of the floating-point graphs mav builds. Parameters and activations use this type. */
export type GraphDType = 'float32' | 'float16';

/**
 * A named value in a graph under construction, with its element type and static shape. Every op of
 * `GraphBuilder` computes the shape of its output, so shape errors surface while building (naming the
 * layer), not when a runtime loads the model.
 */
export interface GraphValue {
  readonly name: string;
  readonly dtype: OnnxElementType;
  readonly dims: readonly number[];
}

/**
 * How a parameter is initialised, read by `initUNetWeights` and `inflate`. `fanIn` weights are drawn from
 * N(0, 1/fanIn); `scale` parameters (norm gains) from 1 + 0.1·N(0, 1); `shift` parameters (biases, norm
 * offsets) from 0.1·N(0, 1). `identity` says what a temporal parameter is at inflation: `dirac` (identity
 * kernel), `zeros` or `ones`; non-temporal parameters have none.
 */
export interface ParameterInit {
  readonly kind: 'fanIn' | 'scale' | 'shift';
  readonly fanIn?: number;
  readonly identity?: 'dirac' | 'zeros' | 'ones';
}

/** A declared parameter: its explicit name (the safetensors key), shape and initialisation. */
export interface ParameterSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly init: ParameterInit;
  /** True for the layers a pseudo-3D model adds to an image model (temporal conv and attention, fps). */
  readonly temporal: boolean;
}
