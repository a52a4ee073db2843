/**
 * The shipped default model: its manifest is the cascade's format, every file it names is here with the
 * digest it names, it fits the size budget, and @mav/cascade loads it by the package's own paths.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { manifestFiles, parseManifest } from '@mav/cascade';
import { createDirectorySource, loadCascade } from '@mav/cascade/node';
import { describe, expect, it } from 'vitest';
import { manifestUrl, modelUrl } from '../index.js';
import { manifestPath, modelFolder } from '../node.js';

const manifest = parseManifest(readFileSync(manifestPath, 'utf8'));

describe('@mav/model-default', () => {
  it('names its folder and manifest for Node and by URL', () => {
    expect(existsSync(manifestPath)).toBe(true);
    expect(fileURLToPath(manifestUrl)).toBe(manifestPath);
    expect(fileURLToPath(modelUrl)).toBe(modelFolder);
  });

  it('holds every file the manifest names, with its digest, in at most 40 MB', () => {
    let total = 0;
    for (const entry of manifestFiles(manifest)) {
      const bytes = readFileSync(join(modelFolder, entry.file));
      total += bytes.length;
      expect(createHash('sha256').update(bytes).digest('hex'), entry.path).toBe(entry.sha256);
    }
    expect(total).toBeLessThanOrEqual(40 * 1024 * 1024);
    expect(statSync(join(modelFolder, 'README.md')).size).toBeGreaterThan(1000);
  });

  it('loads in @mav/cascade with a text encoder that knows the shapes world', async () => {
    const cascade = await loadCascade({
      manifest: readFileSync(manifestPath, 'utf8'),
      files: createDirectorySource(modelFolder),
      backends: { default: createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 1 }) },
    });
    try {
      const stages = cascade.describe().stages.map((stage) => stage.name);
      expect(stages).toContain('textEncoder');
      for (const missing of manifest.missing ?? []) expect(stages).not.toContain(missing);
      const analysis = cascade.analyzePrompt('a red circle on a pale blue background');
      expect(analysis.unknownWords).toEqual([]);
    } finally {
      await cascade.dispose();
    }
  }, 120_000);
});
