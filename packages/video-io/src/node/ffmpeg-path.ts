/**
 * Where ffmpeg and ffprobe are: an explicit option, else `FFMPEG_PATH` / `FFPROBE_PATH`, else the bare
 * name (looked up on `PATH` when spawned). ffprobe defaults to the `ffprobe` next to an explicit ffmpeg.
 */
import path from 'node:path';

/** Options naming the ffmpeg/ffprobe executables. */
export interface FfmpegLocation {
  /** ffmpeg executable; default `FFMPEG_PATH`, then `ffmpeg` on `PATH`. */
  readonly ffmpegPath?: string;
  /** ffprobe executable; default `FFPROBE_PATH`, then the ffprobe beside `ffmpegPath`, then `ffprobe` on `PATH`. */
  readonly ffprobePath?: string;
}

/** The ffmpeg executable to spawn. */
export function resolveFfmpegPath(location: FfmpegLocation = {}): string {
  return location.ffmpegPath ?? nonEmpty(process.env.FFMPEG_PATH) ?? 'ffmpeg';
}

/** The ffprobe executable to spawn. */
export function resolveFfprobePath(location: FfmpegLocation = {}): string {
  if (location.ffprobePath !== undefined) return location.ffprobePath;
  const fromEnvironment = nonEmpty(process.env.FFPROBE_PATH);
  if (fromEnvironment !== undefined) return fromEnvironment;
  const ffmpeg = location.ffmpegPath ?? nonEmpty(process.env.FFMPEG_PATH);
  if (ffmpeg !== undefined && path.basename(ffmpeg).startsWith('ffmpeg')) {
    return path.join(path.dirname(ffmpeg), path.basename(ffmpeg).replace(/^ffmpeg/, 'ffprobe'));
  }
  return 'ffprobe';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The install hint used in `EncoderMissingError` messages. */
export function installHint(program: 'ffmpeg' | 'ffprobe'): string {
  const variable = program === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
  const option = program === 'ffmpeg' ? 'ffmpegPath' : 'ffprobePath';
  return `Install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg), or point to the executable with the ${option} option or the ${variable} environment variable.`;
}
