// The default model on disk, for Node: `loadCascade({ manifest: readFileSync(manifestPath, 'utf8'),
// files: createDirectorySource(modelFolder), … })` of @mav/cascade/node.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const modelFolder = fileURLToPath(new URL('./', import.meta.url));
export const manifestPath = join(modelFolder, 'manifest.json');
