import type { ViteUserConfig } from 'vitest/config';

/** The vitest settings every package shares (tests run against sources via the `@mav/source` condition). */
export declare function packageTestConfig(overrides?: ViteUserConfig['test']): ViteUserConfig;
