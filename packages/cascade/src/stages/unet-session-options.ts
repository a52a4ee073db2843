import { resolveUNetConfig, type UNetConfig } from '@mav/p3d-layers';
import type { SessionOptions } from '@mav/tensor';

/**
 * Below this base width a UNet's sessions skip onnxruntime's layout level of graph optimisation.
 *
 * Level 'all' (the backends' default) adds, on x86 CPUs, the NCHWc pass: each Conv runs in a channel-blocked
 * layout, with the activations reordered before and after it wherever the neighbouring op (InstanceNormalization,
 * Transpose) does not take that layout. At 32 channels and more the blocked convs win; at 16 the reorders cost
 * more than they save. Measured on 2 cores, one forward pass of the default model's networks, 'all' vs
 * 'extended': SR_h 76×128² 4.0–4.9 s vs 2.7 s, SR_l^t 76×64² 1.04–1.11 s vs 0.91 s (16 channels); the decoder
 * 2×16×32² 0.20 s vs 0.25–0.27 s and ↑F 0.11 s vs 0.13–0.14 s (32 channels). Level 'extended' keeps every
 * other fusion; the WebGPU and WASM providers have no NCHWc pass, so it changes nothing there.
 */
export const blockedLayoutMinChannels = 32;

/** The session options of a UNet stage's sessions (see `blockedLayoutMinChannels`). */
export function unetSessionOptions(config: UNetConfig): Pick<SessionOptions, 'graphOptimizationLevel'> {
  return resolveUNetConfig(config).baseChannels < blockedLayoutMinChannels
    ? { graphOptimizationLevel: 'extended' }
    : {};
}
