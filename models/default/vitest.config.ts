import { packageTestConfig } from '@mav/config/vitest';

export default packageTestConfig();
