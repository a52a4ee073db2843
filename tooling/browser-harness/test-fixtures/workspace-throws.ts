import { RandomStream } from '@mav/tensor';

/** Makes `@mav/tensor` throw (a fractional seed), to check that stacks map back to its TypeScript source. */
export default async function workspaceThrows() {
  return new RandomStream({ seed: 0.5 }).normal(1);
}
