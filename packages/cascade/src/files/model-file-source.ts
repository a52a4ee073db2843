import { ManifestError } from '../errors.js';

/**
 * Where the files a manifest names come from. `read` gets a normalised path inside the model folder
 * (see `resolveModelPath`) and returns the file's bytes, or throws `ManifestError` ('missing-file').
 */
export interface ModelFileSource {
  /** For messages, e.g. the folder or URL base. */
  readonly description: string;
  read(file: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
}

/**
 * A source that fetches files relative to a URL base (browsers, or Node's `fetch`): `createUrlSource('/models/tiny/')`
 * reads `tokenizer.json` from `/models/tiny/tokenizer.json`. A relative base resolves against the page
 * (`globalThis.location`). A missing file (HTTP 404 or a failed fetch) throws `ManifestError` ('missing-file').
 */
export function createUrlSource(
  baseUrl: string | URL,
  options: { fetch?: typeof fetch } = {},
): ModelFileSource {
  const location = (globalThis as { location?: { href: string } }).location;
  let base = new URL(String(baseUrl), location?.href);
  if (!base.pathname.endsWith('/')) base = new URL(`${base.pathname}/${base.search}`, base);
  const fetchFile = options.fetch ?? globalThis.fetch;
  return {
    description: base.href,
    async read(file, readOptions = {}) {
      const url = new URL(file, base);
      let response: Response;
      try {
        response = await fetchFile(url, readOptions.signal ? { signal: readOptions.signal } : {});
      } catch (error) {
        if (readOptions.signal?.aborted) throw error;
        throw new ManifestError(
          'missing-file',
          `Could not fetch '${file}' from ${base.href}: ${(error as Error).message}`,
          {
            file,
            cause: error,
          },
        );
      }
      if (!response.ok) {
        throw new ManifestError(
          'missing-file',
          `Could not fetch '${file}' from ${base.href}: HTTP ${response.status}.`,
          { file },
        );
      }
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** A source over files held in memory by name (tests, demos, `createRandomCascade`). */
export function createMemorySource(
  files: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>,
): ModelFileSource {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return {
    description: 'memory',
    async read(file) {
      const bytes = map.get(file);
      if (bytes === undefined) {
        throw new ManifestError(
          'missing-file',
          `The model file '${file}' is missing (in-memory model files).`,
          { file },
        );
      }
      return bytes;
    },
  };
}

/** SHA-256 of bytes as lowercase hex (Web Crypto: Node 20+ and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes.slice().buffer);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
