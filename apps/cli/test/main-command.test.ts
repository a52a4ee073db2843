/**
 * The README's main command, as a user runs it from their own directory:
 * `bash scripts/mav.sh generate "a red circle on a pale blue background" -o out.mp4`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelManifest } from '@mav/cascade';
import { describe, expect, it } from 'vitest';
import { defaultModelManifestPath } from '../src/model-source.js';
import { probeVideo } from './probe.js';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

describe('the README main command', () => {
  it('writes out.mp4 in the directory it was run from, with the frame count and size of the model', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mav-main-command-'));
    const result = spawnSync(
      'bash',
      [
        join(repositoryRoot, 'scripts', 'mav.sh'),
        'generate',
        'a red circle on a pale blue background',
        '-o',
        'out.mp4',
      ],
      { cwd, encoding: 'utf8', env: { ...process.env, MAV_MODEL: '' }, timeout: 590_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual(['out.mp4']);
    const video = probeVideo(join(cwd, 'out.mp4'));
    const line = /^wrote out\.mp4: (\d+) frames, (\d+)x(\d+), /m.exec(result.stdout);
    expect(line, result.stdout).not.toBeNull();
    expect([video.frames, video.width, video.height]).toEqual(line!.slice(1).map(Number));
    expect(video.codec).toBe('h264');
    const manifestPath = defaultModelManifestPath();
    if (!existsSync(manifestPath)) {
      // The random tiny cascade stands in when no trained default model is installed: 76 frames of 32x32.
      expect([video.frames, video.width, video.height]).toEqual([76, 32, 32]);
      expect(result.stderr).toContain('random-weight tiny cascade');
      return;
    }
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest;
    if ((manifest.missing ?? []).length > 0) {
      // A default model still in training: the stages it has, or the random cascade, with a notice.
      expect(result.stderr).toContain('mav: note: the default model has not trained');
      return;
    }
    // The trained default model: the whole cascade, the frames ↑F makes and SR_h's size, no notice.
    const { decoder, interpolation, superResolutionHigh } = manifest.stages;
    const frames = (decoder!.numFrames - 1) * interpolation!.frameSkip + 1;
    expect([video.frames, video.width, video.height]).toEqual([
      frames,
      superResolutionHigh!.resolution,
      superResolutionHigh!.resolution,
    ]);
    expect(result.stderr).not.toContain('random-weight');
    expect(result.stderr).not.toContain('note:');
  }, 600_000);
});
