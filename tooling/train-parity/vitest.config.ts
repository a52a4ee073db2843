import { packageTestConfig } from '@mav/config/vitest';

// The Python side trains and exports networks: one file at a time on small machines, generous timeouts.
export default packageTestConfig({ fileParallelism: false, testTimeout: 600_000, hookTimeout: 600_000 });
