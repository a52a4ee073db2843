/**
 * Where a DDPM/DDIM step goes from timestep t: 'stride' is diffusers' rule, s = t − ⌊T/n⌋ (the final
 * ᾱ once s < 0), whatever the spacing; 'schedule' is the next entry of `timesteps` (the final ᾱ after the
 * last). The two agree for 'leading' spacing; with 'trailing' or 'linspace' and n not dividing T, 'stride'
 * lands between the listed timesteps (diffusers' behaviour) and 'schedule' on them.
 */
export type PreviousTimestep = 'stride' | 'schedule';

/** The `previousTimestep` option of DDPM/DDIM, checked; default 'stride' (diffusers). */
export function checkPreviousTimestep(value: PreviousTimestep | undefined): PreviousTimestep {
  const rule = value ?? 'stride';
  if (rule !== 'stride' && rule !== 'schedule') {
    throw new RangeError(`previousTimestep must be 'stride' or 'schedule', got ${String(rule as unknown)}.`);
  }
  return rule;
}

/** Clips every element to [−range, range] in place (`clipSample` of DDPM and DDIM). */
export function clip(values: Float32Array, range: number): void {
  for (let index = 0; index < values.length; index++) {
    values[index] = Math.min(range, Math.max(-range, values[index]!));
  }
}
