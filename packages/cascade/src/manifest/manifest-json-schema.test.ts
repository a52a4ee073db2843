import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRandomCascade } from '../testing/random-cascade.js';
import { modelManifestJsonSchema } from './manifest-json-schema.js';

const schemaFile = new URL('../../schema/model-manifest.schema.json', import.meta.url);

describe('the published JSON Schema', () => {
  it('is the one generated from the zod schema (run `pnpm --filter @mav/cascade schema` to update it)', async () => {
    const generated = `${JSON.stringify(modelManifestJsonSchema(), null, 2)}\n`;
    if (process.env.MAV_WRITE_SCHEMA === '1') await writeFile(schemaFile, generated);
    // Compared as JSON: Biome formats the file.
    expect(JSON.parse(await readFile(schemaFile, 'utf8'))).toEqual(JSON.parse(generated));
  });

  it('describes the manifest: required top-level fields and every stage', async () => {
    const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as {
      required: string[];
      properties: { stages: { properties: Record<string, unknown>; required: string[] } };
    };
    expect(schema.required).toEqual(
      expect.arrayContaining([
        'format',
        'version',
        'name',
        'clipEmbeddingDim',
        'embeddings',
        'tokenizer',
        'stages',
      ]),
    );
    expect(Object.keys(schema.properties.stages.properties).sort()).toEqual(
      [
        'decoder',
        'imageDecoder',
        'imageEncoder',
        'interpolation',
        'prior',
        'superResolutionHigh',
        'superResolutionLow',
        'textEncoder',
      ].sort(),
    );
    // Only the text encoder is required: a model in training lists the stages it lacks under `missing`.
    expect(schema.properties.stages.required.sort()).toEqual(['textEncoder']);
    // The random cascade's manifest is a real instance: every key it uses is declared.
    const { manifest } = await createRandomCascade({ seed: 0, preset: 'tiny' });
    for (const key of Object.keys(manifest))
      expect(Object.keys((schema as unknown as { properties: object }).properties)).toContain(key);
  });
});
