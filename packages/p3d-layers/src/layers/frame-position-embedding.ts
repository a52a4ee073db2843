/**
 * Sinusoidal frame-position table `[channels, numFrames]`: column f is
 * `[cos(f·ω_0) … cos(f·ω_{k−1}), sin(f·ω_0) … sin(f·ω_{k−1})]` with `ω_i = 10000^(−i/k)`, `k = channels/2`
 * (zero-padded when `channels` is odd). Fixed, not learned: it carries frame order into the temporal
 * attention, which is otherwise permutation-blind.
 */
export function framePositionTable(channels: number, numFrames: number): Float32Array {
  const half = Math.floor(channels / 2);
  const table = new Float32Array(channels * numFrames);
  for (let i = 0; i < half; i++) {
    const frequency = Math.exp((-Math.log(10000) * i) / half);
    for (let frame = 0; frame < numFrames; frame++) {
      table[i * numFrames + frame] = Math.cos(frame * frequency);
      table[(i + half) * numFrames + frame] = Math.sin(frame * frequency);
    }
  }
  return table;
}
