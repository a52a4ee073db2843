import { packageTestConfig } from '@mav/config/vitest';

/** `pnpm --filter @mav/browser-tests bench`: speed figures of the foundation (printed, never asserted). */
export default packageTestConfig({ include: ['bench/**/*.bench-run.ts'], testTimeout: 600_000 });
