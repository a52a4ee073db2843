import { ManifestError } from '../errors.js';

/**
 * Checks a file name from the manifest and returns it normalised: relative, forward slashes, no `.` or `..`
 * segments, inside the model folder. Absolute paths, drive letters, URLs, backslashes, empty segments and any
 * `..` that leaves the folder throw `ManifestError` ('path-escape'), so that a manifest can never make the
 * loader read outside its own folder (or origin path).
 */
export function resolveModelPath(file: string, path: string): string {
  const refuse = (why: string) =>
    new ManifestError('path-escape', `${path}: '${file}' ${why}; files must lie inside the model folder.`, {
      path,
      file,
    });
  if (typeof file !== 'string' || file.length === 0) throw refuse('is empty');
  if (file.includes('\\')) throw refuse('contains a backslash');
  if (file.includes('\0')) throw refuse('contains a NUL character');
  if (file.startsWith('/')) throw refuse('is an absolute path');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file)) throw refuse('is a URL or a drive path');
  const segments: string[] = [];
  for (const segment of file.split('/')) {
    if (segment === '') throw refuse('has an empty path segment');
    if (segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw refuse('leaves the model folder');
      segments.pop();
      continue;
    }
    if (/%2e|%2f|%5c/i.test(segment)) throw refuse('contains an encoded dot or separator');
    segments.push(segment);
  }
  if (segments.length === 0) throw refuse('names the folder itself');
  return segments.join('/');
}
