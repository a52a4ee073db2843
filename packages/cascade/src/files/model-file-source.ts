import { ManifestError } from '../errors.js';

/**
 * An open model file read by range: what large weight files are hashed and loaded through, so that no
 * buffer of the whole file is ever made. Structurally a `SafetensorsByteSource` of `@mav/p3d-layers`.
 */
export interface ModelFileHandle {
  /** Size of the file in bytes. */
  readonly size: number;
  /** Fills `target` with the bytes from `position`; throws if the file ends first. */
  readInto(target: Uint8Array, position: number): Promise<void>;
  /** SHA-256 of the whole file as lowercase hex, computed over a stream of small pieces. */
  sha256(options?: { signal?: AbortSignal }): Promise<string>;
  /** Releases the file. */
  close(): Promise<void>;
}

/**
 * Where the files a manifest names come from. `read` gets a normalised path inside the model folder
 * (see `resolveModelPath`) and returns the file's bytes, or throws `ManifestError` ('missing-file').
 * A source that can also `open` a file for reading by range (the Node directory source) has its weight
 * files hashed and loaded that way, so memory stays at the weights' own size whatever the file size.
 */
export interface ModelFileSource {
  /** For messages, e.g. the folder or URL base. */
  readonly description: string;
  read(file: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /** Opens `file` for hashing and reading by range; same errors as `read`. Optional. */
  open?(file: string, options?: { signal?: AbortSignal }): Promise<ModelFileHandle>;
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
  // Web Crypto takes a view of an ArrayBuffer as it is; only a SharedArrayBuffer view needs a copy.
  const input = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  const digest = await globalThis.crypto.subtle.digest('SHA-256', input);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
