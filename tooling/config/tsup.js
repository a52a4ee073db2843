/**
 * The tsup settings every published package shares: ESM only, one `.d.ts` per entry, and the
 * `@mav/source` condition switched off so that declarations of workspace dependencies come from their
 * built `dist/` (turbo builds dependencies first) instead of being inlined from their sources.
 * Plain JavaScript so that config loaders can import it untranspiled.
 *
 * @param {Record<string, string>} entry
 * @returns {import('tsup').Options}
 */
export function packageBuildOptions(entry) {
  return {
    entry,
    format: ['esm'],
    target: 'es2022',
    platform: 'neutral',
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    dts: { compilerOptions: { customConditions: [], composite: false } },
  };
}
