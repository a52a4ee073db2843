import type { Tensor } from '@mav/tensor';
import { unetParameterSpecs } from '../unet/build-unet.js';
import type { UNetConfig } from '../unet/unet-config.js';
import { checkWeights } from './check-weights.js';
import { readSafetensors } from './safetensors.js';

/** Options of `loadUNetWeights`. */
export interface LoadUNetWeightsOptions {
  /** The safetensors file's bytes. */
  bytes: Uint8Array;
  /** Its name, quoted in errors. */
  fileName: string;
  /** The config the weights are for. */
  config: UNetConfig;
}

/**
 * Reads a UNet's weights from a safetensors file and checks them against the config by name and shape:
 * corrupt files throw `SafetensorsError`, weights that do not fit throw one `WeightMismatchError` listing
 * every missing, unexpected and mis-shaped tensor.
 */
export function loadUNetWeights(options: LoadUNetWeightsOptions): Record<string, Tensor> {
  const { tensors } = readSafetensors(options.bytes, { fileName: options.fileName });
  checkWeights({ specs: unetParameterSpecs(options.config), weights: tensors, fileName: options.fileName });
  return tensors;
}
