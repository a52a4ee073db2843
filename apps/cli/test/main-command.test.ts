/**
 * The README's main command, as a user runs it from their own directory:
 * `bash scripts/mav.sh generate "a red circle bouncing on a blue background" -o out.mp4`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
        'a red circle bouncing on a blue background',
        '-o',
        'out.mp4',
      ],
      { cwd, encoding: 'utf8', env: { ...process.env, MAV_MODEL: '' }, timeout: 300_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual(['out.mp4']);
    const video = probeVideo(join(cwd, 'out.mp4'));
    const line = /^wrote out\.mp4: (\d+) frames, (\d+)x(\d+), /m.exec(result.stdout);
    expect(line, result.stdout).not.toBeNull();
    expect([video.frames, video.width, video.height]).toEqual(line!.slice(1).map(Number));
    expect(video.codec).toBe('h264');
    // The random tiny cascade stands in until the trained default model ships: 76 frames of 32x32.
    if (!existsSync(defaultModelManifestPath())) {
      expect([video.frames, video.width, video.height]).toEqual([76, 32, 32]);
      expect(result.stderr).toContain('random-weight tiny cascade');
    }
  });
});
