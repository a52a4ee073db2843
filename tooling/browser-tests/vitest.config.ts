import { packageTestConfig } from '@mav/config/vitest';

// Each file launches its own Chromium; run them one at a time on small machines.
export default packageTestConfig({ fileParallelism: false, testTimeout: 600_000 });
