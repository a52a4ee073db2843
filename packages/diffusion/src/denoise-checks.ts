import type { Tensor } from '@mav/tensor';
import type { ClassifierFreeGuidanceConfig } from './denoising-loop.js';
import type { DenoisingModelCall } from './denoising-model.js';

// The checks of `denoise`'s inputs and of the model's outputs.

/** Checks the model call description. */
export function checkModelCall(model: DenoisingModelCall): void {
  if (typeof model !== 'object' || model === null) {
    throw new TypeError('model must describe the model call ({ sampleInput, timestepInput, output }).');
  }
  for (const key of ['sampleInput', 'output'] as const) {
    if (typeof model[key] !== 'string' || model[key].length === 0) {
      throw new TypeError(`model.${key} must be an input/output name, got ${String(model[key])}.`);
    }
  }
  if (typeof model.timestepInput?.name !== 'string') {
    throw new TypeError('model.timestepInput must be { name, dtype }.');
  }
  const shape = model.timestepInput.shape ?? 'batch';
  if (shape !== 'batch' && shape !== 'scalar') {
    throw new RangeError(`model.timestepInput.shape must be 'batch' or 'scalar', got ${String(shape)}.`);
  }
  if (model.sampleDtype !== undefined && model.sampleDtype !== 'float32' && model.sampleDtype !== 'float16') {
    throw new RangeError(
      `model.sampleDtype must be 'float32' or 'float16', got ${String(model.sampleDtype)}.`,
    );
  }
}

/** Checks that both guidance passes feed the same inputs. */
export function checkGuidance(guidance: ClassifierFreeGuidanceConfig): void {
  const conditionalNames = Object.keys(guidance.conditionalFeeds ?? {}).sort();
  const unconditionalNames = Object.keys(guidance.unconditionalFeeds ?? {}).sort();
  if (conditionalNames.join('\0') !== unconditionalNames.join('\0')) {
    throw new RangeError(
      `guidance.conditionalFeeds [${conditionalNames.join(', ')}] and guidance.unconditionalFeeds [${unconditionalNames.join(', ')}] must name the same inputs.`,
    );
  }
}

/** Checks the channels appended to the sample; returns their count. */
export function checkConcatenation(concatenation: Tensor<'float32'>, dims: readonly number[]): number {
  const ok =
    concatenation.dtype === 'float32' &&
    concatenation.dims.length === dims.length &&
    concatenation.dims[0] === dims[0] &&
    concatenation.dims.slice(2).every((dim, axis) => dim === dims[axis + 2]);
  if (!ok) {
    throw new RangeError(
      `model.sampleConcatenation must be float32 [${dims[0]}, K, ${dims.slice(2).join(', ')}] to append to the sample's channels, got ${concatenation.toString()}.`,
    );
  }
  return concatenation.dims[1]!;
}

/** Count and first position of the NaN/±Infinity values, or undefined when every value is finite. */
export function findNonFinite(
  values: Float32Array,
): { count: number; firstIndex: number; firstValue: number } | undefined {
  let count = 0;
  let firstIndex = -1;
  for (let index = 0; index < values.length; index++) {
    // x − x is 0 for finite x and NaN for NaN and ±Infinity.
    const value = values[index]!;
    if (value - value !== 0) {
      if (count === 0) firstIndex = index;
      count++;
    }
  }
  return count === 0 ? undefined : { count, firstIndex, firstValue: values[firstIndex]! };
}
