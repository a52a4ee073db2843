/**
 * The formats this package writes, and how a format is picked from an option or a file extension.
 */
import { UnsupportedFormatError } from './errors.js';

/**
 * A container (and its codec) this package writes:
 * `mp4` (H.264), `webm` (VP9), `gif`, `apng` (animated PNG, lossless), `png` (a sequence of PNG files),
 * `y4m` (raw YCbCr in YUV4MPEG2).
 */
export type VideoFormat = 'mp4' | 'webm' | 'gif' | 'apng' | 'png' | 'y4m';

/** Every format, in a stable order. */
export const videoFormats: readonly VideoFormat[] = ['mp4', 'webm', 'gif', 'apng', 'png', 'y4m'];

const extensions: Readonly<Record<string, VideoFormat>> = {
  mp4: 'mp4',
  m4v: 'mp4',
  webm: 'webm',
  gif: 'gif',
  apng: 'apng',
  png: 'apng',
  y4m: 'y4m',
};

/** True when `value` names a format this package writes. */
export function isVideoFormat(value: unknown): value is VideoFormat {
  return typeof value === 'string' && (videoFormats as readonly string[]).includes(value);
}

/**
 * Chooses the format: the explicit `format` when given, else from `path`'s extension
 * (`.mp4`/`.m4v` → mp4, `.webm`, `.gif`, `.apng` and `.png` → apng, `.y4m`; a path without extension or
 * ending in `/` → png sequence directory). Throws `UnsupportedFormatError` for anything else.
 */
export function resolveVideoFormat(options: {
  readonly format?: string;
  readonly path?: string;
}): VideoFormat {
  const { format, path } = options;
  if (format !== undefined) {
    if (!isVideoFormat(format)) {
      throw new UnsupportedFormatError(
        format,
        `Unsupported format '${format}'. Supported formats: ${videoFormats.join(', ')}.`,
      );
    }
    return format;
  }
  if (path === undefined) {
    throw new TypeError('Give a format, or a path whose extension names one.');
  }
  const base = path.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (base === '' || dot <= 0) {
    return 'png';
  }
  const extension = base.slice(dot + 1).toLowerCase();
  const resolved = extensions[extension];
  if (resolved === undefined) {
    throw new UnsupportedFormatError(
      extension,
      `Cannot tell the format from the extension '.${extension}' of ${path}. Use one of .mp4, .webm, .gif, .apng/.png, .y4m, a directory for a PNG sequence, or pass format.`,
    );
  }
  return resolved;
}
