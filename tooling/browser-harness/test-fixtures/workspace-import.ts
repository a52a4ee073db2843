import { RandomStream } from '@mav/tensor';

/** Draws seeded normals with `@mav/tensor`, bundled from its TypeScript source through `@mav/source`. */
export default async function workspaceImport(args: { seed: number; count: number }) {
  return Array.from(new RandomStream({ seed: args.seed }).normal(args.count));
}
