import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

/** Options of {@link serveStatic}. */
export interface ServeStaticOptions {
  /** URL prefix (e.g. `'/ort/'`) -> directory whose files are served under it. The longest prefix wins. */
  routes: Record<string, string>;
  /** Exact URL path (e.g. `'/index.html'`) -> file contents held in memory. Checked before `routes`. */
  files?: Record<string, Uint8Array | string>;
}

/** A running {@link serveStatic} server. */
export interface StaticServer {
  /** Origin of the server, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

const mimeTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

/** The MIME type served for a path, by its extension; `application/octet-stream` when unknown. */
export function mimeTypeOf(path: string): string {
  return mimeTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Headers on every response. COOP `same-origin` + COEP `require-corp` make the page cross-origin isolated,
 * which is what unlocks `SharedArrayBuffer` (and so onnxruntime-web's WASM threads).
 */
const commonHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
} as const;

function normalisePrefix(prefix: string): string {
  let normalised = prefix.startsWith('/') ? prefix : `/${prefix}`;
  if (!normalised.endsWith('/')) normalised += '/';
  return normalised;
}

/**
 * Decodes a request path into its segments, or `undefined` when it is malformed or tries to leave its
 * root (`..` segments, also percent-encoded, backslashes or NUL bytes).
 */
function safeSegments(relativePath: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relativePath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment === '..')) return undefined;
  return segments;
}

/**
 * Starts a tiny static HTTP server on `127.0.0.1` (a free port) for browser tests: in-memory `files` plus
 * directories mounted under URL prefixes, with COOP/COEP headers (cross-origin isolation), MIME types for
 * `.js/.mjs/.wasm/.html/.json/.png/.onnx` and more, `404` for unknown paths and for any path that tries to
 * climb out of its directory. Only `GET` and `HEAD` are answered.
 */
export async function serveStatic(options: ServeStaticOptions): Promise<StaticServer> {
  if (typeof options !== 'object' || options === null || typeof options.routes !== 'object') {
    throw new TypeError('serveStatic: options.routes must be an object of url prefix -> directory');
  }
  const routes = Object.entries(options.routes)
    .map(([prefix, directory]) => ({ prefix: normalisePrefix(prefix), root: resolve(directory) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const files = new Map<string, Uint8Array>();
  for (const [path, contents] of Object.entries(options.files ?? {})) {
    const key = path.startsWith('/') ? path : `/${path}`;
    files.set(key, typeof contents === 'string' ? new TextEncoder().encode(contents) : contents);
  }

  const send = (response: ServerResponse, status: number, body: string): void => {
    response.writeHead(status, { ...commonHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      send(response, 405, 'method not allowed');
      return;
    }
    const rawPath = (request.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
    const inMemory = files.get(rawPath);
    if (inMemory !== undefined) {
      response.writeHead(200, {
        ...commonHeaders,
        'Content-Type': mimeTypeOf(rawPath),
        'Content-Length': String(inMemory.byteLength),
      });
      response.end(request.method === 'HEAD' ? undefined : inMemory);
      return;
    }
    const route = routes.find((candidate) => rawPath.startsWith(candidate.prefix));
    const segments = route === undefined ? undefined : safeSegments(rawPath.slice(route.prefix.length));
    if (route === undefined || segments === undefined || segments.length === 0) {
      send(response, 404, 'not found');
      return;
    }
    const filePath = resolve(route.root, ...segments);
    // Belt and braces after rejecting `..`: the resolved path must stay inside the mounted directory.
    if (!filePath.startsWith(route.root + sep)) {
      send(response, 404, 'not found');
      return;
    }
    let size: number;
    try {
      const info = await stat(filePath);
      if (!info.isFile()) throw new Error('not a file');
      size = info.size;
    } catch {
      send(response, 404, 'not found');
      return;
    }
    response.writeHead(200, {
      ...commonHeaders,
      'Content-Type': mimeTypeOf(filePath),
      'Content-Length': String(size),
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(filePath);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'internal error');
      else response.destroy();
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      closed ??= new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
