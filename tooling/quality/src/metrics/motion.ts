import type { ObjectLocation } from './object-locator.js';

/** Motion of one video's object, from the locator's track. */
export interface VideoMotion {
  /** Share of frames where an object was found. */
  foundShare: number;
  /** Whether the object moves: some frame's centroid is more than `threshold` from frame 0's. */
  moves: boolean;
  /** Mean centroid displacement between consecutive frames where both were found (image units). */
  displacementPerFrame: number;
  /** `displacementPerFrame · fps`: image units per second. */
  speed: number;
}

/** Centroid moves further than this (image units, 0.64 px at 32²) from frame 0 ⇒ the object moves. */
export const movementThreshold = 0.02;

/** The motion of a video from its per-frame object locations at `fps` frames per second. */
export function videoMotion(
  locations: readonly ObjectLocation[],
  fps: number,
  threshold = movementThreshold,
): VideoMotion {
  const found = locations.filter((location) => location.found).length;
  const first = locations.find((location) => location.found);
  let moves = false;
  let total = 0;
  let steps = 0;
  for (let frame = 0; frame < locations.length; frame++) {
    const here = locations[frame]!;
    if (!here.found) continue;
    if (first && Math.hypot(here.x - first.x, here.y - first.y) > threshold) moves = true;
    const previous = locations[frame - 1];
    if (previous?.found) {
      total += Math.hypot(here.x - previous.x, here.y - previous.y);
      steps++;
    }
  }
  const displacementPerFrame = steps > 0 ? total / steps : 0;
  return {
    foundShare: locations.length > 0 ? found / locations.length : 0,
    moves,
    displacementPerFrame,
    speed: displacementPerFrame * fps,
  };
}

/**
 * The 1-Wasserstein (earth mover's) distance between two empirical distributions on the line: the area
 * between their quantile functions.
 */
export function wasserstein1(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) throw new RangeError('both samples must be non-empty.');
  const first = [...a].sort((x, y) => x - y);
  const second = [...b].sort((x, y) => x - y);
  // Integrate |F_a⁻¹(u) − F_b⁻¹(u)| over u ∈ [0, 1] at the breakpoints of both step functions.
  const cuts = [
    ...new Set([
      ...first.map((_, i) => (i + 1) / first.length),
      ...second.map((_, i) => (i + 1) / second.length),
    ]),
  ].sort((x, y) => x - y);
  let distance = 0;
  let previous = 0;
  for (const cut of cuts) {
    const middle = (previous + cut) / 2;
    const qa = first[Math.min(first.length - 1, Math.floor(middle * first.length))]!;
    const qb = second[Math.min(second.length - 1, Math.floor(middle * second.length))]!;
    distance += (cut - previous) * Math.abs(qa - qb);
    previous = cut;
  }
  return distance;
}
