import { packageTestConfig } from '@mav/config/vitest';

// The must-show tests render real clips in Python and run a cascade: one file at a time on small machines.
export default packageTestConfig({ fileParallelism: false, testTimeout: 300_000, hookTimeout: 300_000 });
