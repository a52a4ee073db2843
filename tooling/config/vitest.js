import { defineConfig } from 'vitest/config';

// Node 20 (the LTS on our machines) has no Map.groupBy, which vitest 5's reporter calls when it prints
// failed tests; without it a failing run crashes the reporter instead of showing the failure.
if (typeof Map.groupBy !== 'function') {
  Map.groupBy = (items, keyOf) => {
    const groups = new Map();
    let index = 0;
    for (const item of items) {
      const key = keyOf(item, index++);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(item);
    }
    return groups;
  };
}

/**
 * The vitest settings every package shares: tests run against TypeScript sources through the
 * `@mav/source` export condition (no build needed), in Node, with generous timeouts for ONNX sessions
 * and browsers on a 2-core machine. Plain JavaScript so that config loaders can import it untranspiled.
 *
 * @param {import('vitest/config').ViteUserConfig['test']} [overrides]
 */
export function packageTestConfig(overrides = {}) {
  return defineConfig({
    resolve: { conditions: ['@mav/source', 'module', 'browser', 'development|production'] },
    ssr: { resolve: { conditions: ['@mav/source', 'module', 'node', 'development|production'] } },
    test: {
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      // The JSON report is what scripts/test.sh sums into the closing 'N passed, N failed' line.
      reporters: ['default', 'json'],
      outputFile: { json: 'test-results/vitest.json' },
      ...overrides,
    },
  });
}
