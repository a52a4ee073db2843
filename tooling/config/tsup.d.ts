import type { Options } from 'tsup';

/** The tsup settings every published package shares (ESM, .d.ts, dependencies' types from their dist). */
export declare function packageBuildOptions(entry: Record<string, string>): Options;
