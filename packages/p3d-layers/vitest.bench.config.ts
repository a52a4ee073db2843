import { packageTestConfig } from '@mav/config/vitest';

/** `pnpm bench`: speed figures of the UNet (printed, never asserted). */
export default packageTestConfig({ include: ['bench/**/*.bench-run.ts'], testTimeout: 600_000 });
