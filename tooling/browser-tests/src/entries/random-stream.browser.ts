import { RandomStream } from '@mav/tensor';

/** Hashes a seeded normal stream inside the browser, to compare with Node's hash of the same stream. */
export default async function hashNormalStream(args: { seed: number; stream: number; count: number }) {
  const values = new RandomStream({ seed: args.seed, stream: args.stream }).normal(args.count);
  const digest = await crypto.subtle.digest('SHA-256', values.slice().buffer);
  return {
    hash: Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join(''),
    first: Array.from(values.subarray(0, 4)),
  };
}
