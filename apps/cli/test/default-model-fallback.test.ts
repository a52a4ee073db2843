/**
 * The embedded default model ships stage by stage while it trains: a command that needs a stage the default
 * model has not trained yet runs on the random-weight cascade with a notice; the same model named with
 * `--model` fails with exit 3 instead (the user asked for that model).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './cli-helpers.js';
import { writeModelFolder } from './model-folder.js';

async function partialModel(): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'mav-partial-default-'));
  await writeModelFolder(folder, {
    manifest: (manifest) => {
      delete manifest.stages.decoder;
      delete manifest.stages.interpolation;
      return { ...manifest, missing: ['decoder', 'interpolation'] };
    },
  });
  return folder;
}

describe('a default model that has not trained every stage yet', () => {
  it('generate falls back to the random-weight cascade with a notice naming the stage, and writes the video', async () => {
    const model = await partialModel();
    const cwd = mkdtempSync(join(tmpdir(), 'mav-fallback-'));
    const run = await runInProcess(['generate', 'a red circle', '-o', 'out.mp4', '--seed', '2'], {
      cwd,
      defaultManifestPath: join(model, 'manifest.json'),
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'has not trained its decoder stage yet; using the random-weight tiny cascade',
    );
    expect(run.stdout).toMatch(/^wrote out\.mp4: 76 frames, 32x32/m);
    expect(existsSync(join(cwd, 'out.mp4'))).toBe(true);
  }, 120_000);

  it('the same model named with --model exits 3, naming the untrained stage', async () => {
    const model = await partialModel();
    const cwd = mkdtempSync(join(tmpdir(), 'mav-fallback-'));
    const run = await runInProcess(['generate', 'a red circle', '-o', 'out.mp4', '--model', model], { cwd });
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('decoder');
    expect(run.stderr).toContain('not trained yet');
    expect(existsSync(join(cwd, 'out.mp4'))).toBe(false);
  }, 120_000);
});
