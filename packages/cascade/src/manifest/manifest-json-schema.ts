import { z } from 'zod';
import { modelManifestSchema } from './manifest-schema.js';

/**
 * The JSON Schema (draft 2020-12) of the model manifest, generated from the zod schema: what
 * `schema/model-manifest.schema.json` holds (published as `@mav/cascade/model-manifest.schema.json`) for
 * editors and for the Python trainer.
 */
export function modelManifestJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(modelManifestSchema, { target: 'draft-2020-12' }),
    $id: 'https://mav.dev/schemas/model-manifest.schema.json',
    title: 'mav cascade model manifest',
  };
}
