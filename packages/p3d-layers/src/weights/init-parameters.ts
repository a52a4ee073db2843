import { RandomStream, Tensor } from '@mav/tensor';
import type { ParameterSpec } from '../graph/graph-value.js';

/** Options of `initParameters`. */
export interface InitParametersOptions {
  /** Seed of the random streams (a non-negative integer). */
  seed: number;
  /**
   * 'identity' (default): temporal parameters get their identity value (dirac temporal kernels, zero
   * biases and output projections, unit norm scales), so a pseudo-3D model equals its image model frame by
   * frame. 'random': temporal parameters are random like every other parameter (frames then interact).
   */
  temporalInit?: 'identity' | 'random';
}

/**
 * FNV-1a hash of a name: the random stream id of a parameter, so that its values depend only on the seed
 * and its name — not on declaration order, nor on which other layers a config has.
 */
export function parameterStream(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Deterministic float32 values for declared parameters: `fanIn` weights from N(0, 1/fanIn), norm scales from
 * 1 + 0.1·N(0, 1), biases and shifts from 0.1·N(0, 1), each drawn from the Philox stream
 * (seed, `parameterStream(name)`). Temporal parameters follow `temporalInit`.
 */
export function initParameters(
  specs: readonly ParameterSpec[],
  options: InitParametersOptions,
): Record<string, Tensor<'float32'>> {
  const out: Record<string, Tensor<'float32'>> = {};
  for (const spec of specs) {
    const tensor = new Tensor({ dtype: 'float32', dims: spec.dims });
    if (spec.temporal && (options.temporalInit ?? 'identity') === 'identity' && spec.init.identity) {
      fillIdentity(tensor, spec.init.identity);
    } else {
      const values = new RandomStream({ seed: options.seed, stream: parameterStream(spec.name) }).normal(
        tensor.size,
      );
      const { kind, fanIn = 1 } = spec.init;
      const scale = kind === 'fanIn' ? 1 / Math.sqrt(fanIn) : 0.1;
      const offset = kind === 'scale' ? 1 : 0;
      for (let index = 0; index < values.length; index++)
        tensor.data[index] = offset + scale * values[index]!;
    }
    out[spec.name] = tensor;
  }
  return out;
}

/** Writes the identity value of a temporal parameter. */
export function fillIdentity(tensor: Tensor<'float32'>, identity: 'dirac' | 'zeros' | 'ones'): void {
  tensor.data.fill(identity === 'ones' ? 1 : 0);
  if (identity === 'dirac') {
    // [out in k]: w[o, o, centre] = 1
    const [outChannels, inChannels, kernel] = tensor.dims as [number, number, number];
    const centre = (kernel - 1) / 2;
    for (let channel = 0; channel < Math.min(outChannels, inChannels); channel++) {
      tensor.data[(channel * inChannels + channel) * kernel + centre] = 1;
    }
  }
}
