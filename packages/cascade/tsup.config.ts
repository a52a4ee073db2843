import { packageBuildOptions } from '@mav/config/tsup';
import { defineConfig } from 'tsup';

export default defineConfig(
  packageBuildOptions({
    index: 'src/index.ts',
    node: 'src/node.ts',
    'testing/index': 'src/testing/index.ts',
  }),
);
