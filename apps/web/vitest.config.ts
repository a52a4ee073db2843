import { packageTestConfig } from '@mav/config/vitest';

export default packageTestConfig({ testTimeout: 240_000, hookTimeout: 240_000 });
