import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { exitCodes } from './exit-codes.js';
import { checkOutputIsSafe } from './output-safety.js';
import { displayPath, numberedPath, resolveOutputTarget } from './output-target.js';

const cwd = mkdtempSync(join(tmpdir(), 'mav-output-target-'));

function usageError(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error('expected a CliError');
}

describe('resolveOutputTarget', () => {
  it('takes the format from the extension, relative to cwd', () => {
    expect(resolveOutputTarget({ output: 'a.mp4', cwd })).toEqual({
      path: join(cwd, 'a.mp4'),
      format: 'mp4',
    });
    expect(resolveOutputTarget({ output: 'b.GIF', cwd }).format).toBe('gif');
    expect(resolveOutputTarget({ output: 'c.webm', cwd }).format).toBe('webm');
    expect(resolveOutputTarget({ output: 'frames', cwd }).format).toBe('png');
  });

  it('lets --format choose for a path without a known extension, and refuses a disagreement', () => {
    expect(resolveOutputTarget({ output: 'clip.bin', format: 'y4m', cwd }).format).toBe('y4m');
    const disagreement = usageError(() => resolveOutputTarget({ output: 'clip.mp4', format: 'gif', cwd }));
    expect(disagreement.exitCode).toBe(exitCodes.usage);
    expect(disagreement.message).toContain('disagrees');
  });

  it('refuses unknown extensions and formats with a usage error', () => {
    const extension = usageError(() => resolveOutputTarget({ output: 'clip.avi', cwd }));
    expect(extension.exitCode).toBe(exitCodes.usage);
    expect(extension.message).toContain("'clip.avi'");
    const format = usageError(() => resolveOutputTarget({ output: 'clip.mp4', format: 'avi', cwd }));
    expect(format.exitCode).toBe(exitCodes.usage);
    expect(format.message).toBe("unknown format 'avi'; formats: mp4, webm, gif, apng, png, y4m.");
  });

  it('refuses an empty path with a usage error', () => {
    for (const output of ['', '  ']) {
      const error = usageError(() => resolveOutputTarget({ output, cwd }));
      expect(error.exitCode).toBe(exitCodes.usage);
      expect(error.message).toContain('--output is empty');
    }
  });

  it('refuses a parent that is a file (checkOutputIsSafe)', () => {
    writeFileSync(join(cwd, 'plain-file'), 'x');
    const target = resolveOutputTarget({ output: 'plain-file/out.mp4', cwd });
    const error = usageError(() => checkOutputIsSafe({ target, cwd, force: false, inputs: [] }));
    expect(error.exitCode).toBe(exitCodes.output);
    expect(error.message).toBe("cannot write 'plain-file/out.mp4': 'plain-file' is not a folder.");
  });

  it('shows paths relative to the working folder when inside it', () => {
    expect(displayPath(cwd, cwd)).toBe('.');
    expect(displayPath(cwd, join(cwd, 'a', 'b.mp4'))).toBe(join('a', 'b.mp4'));
    expect(displayPath(join(cwd, 'a'), join(cwd, 'b.mp4'))).toBe(join(cwd, 'b.mp4'));
  });

  it('numbers variation outputs', () => {
    const target = resolveOutputTarget({ output: 'v.mp4', cwd });
    expect(numberedPath(target, 2)).toEqual({ path: join(cwd, 'v-2.mp4'), format: 'mp4' });
  });
});
