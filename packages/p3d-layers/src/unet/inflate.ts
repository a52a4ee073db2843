import { Tensor } from '@mav/tensor';
import { checkWeights } from '../weights/check-weights.js';
import { fillIdentity, initParameters } from '../weights/init-parameters.js';
import { unetParameterSpecs } from './build-unet.js';
import { imageConfigOf, resolveUNetConfig, type UNetConfig } from './unet-config.js';

/** Options of `inflate`. */
export interface InflateOptions {
  /** Seed of the random parts of new layers (temporal attention q/k/v, fps embedding's first layer). Default 0. */
  seed?: number;
  /** Name of the image weights' source, for error messages. */
  fileName?: string;
}

/**
 * Function-preserving inflation (Make-A-Video §3.2): the pseudo-3D model's weights from an image model's.
 * Every image weight is kept under its name; every new temporal parameter gets its identity value — temporal
 * conv kernels the dirac identity with zero bias, temporal attention output projections zero (the layer is
 * residual), temporal norms unit scale and zero shift, the fps embedding's output layer zero — so the video
 * model equals the image model applied to each frame. Temporal attention q/k/v and the fps embedding's first
 * layer are random (seeded) so that training can move them.
 *
 * `config` is the video config (`temporalLayers: true`); `imageWeights` must fit `imageConfigOf(config)`
 * (checked by name and shape; one `WeightMismatchError` lists every problem).
 */
export function inflate(
  imageWeights: Readonly<Record<string, Tensor>>,
  config: UNetConfig,
  options: InflateOptions = {},
): Record<string, Tensor> {
  const resolved = resolveUNetConfig(config);
  if (!resolved.temporalLayers) {
    throw new RangeError('inflate needs the video config: config.temporalLayers must be true.');
  }
  checkWeights({
    specs: unetParameterSpecs(imageConfigOf(resolved)),
    weights: imageWeights,
    fileName: options.fileName ?? 'image weights',
  });
  const out: Record<string, Tensor> = {};
  for (const spec of unetParameterSpecs(resolved)) {
    const existing = imageWeights[spec.name];
    if (existing) {
      out[spec.name] = existing;
    } else if (spec.init.identity) {
      const tensor = new Tensor({ dtype: 'float32', dims: spec.dims });
      fillIdentity(tensor, spec.init.identity);
      out[spec.name] = tensor;
    } else {
      out[spec.name] = initParameters([spec], { seed: options.seed ?? 0, temporalInit: 'random' })[
        spec.name
      ]!;
    }
  }
  return out;
}
