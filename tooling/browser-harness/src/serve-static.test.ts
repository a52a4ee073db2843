import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, serveStatic } from './serve-static.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends `path` byte for byte (no URL normalisation, unlike fetch) so traversal attempts reach the server. */
function rawRequest(origin: string, path: string, method = 'GET'): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname, port, path, method, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('serveStatic', () => {
  let root: string;
  let server: StaticServer;
  const modelBytes = new Uint8Array([8, 7, 18, 4, 109, 97, 118, 0, 255]);

  beforeAll(async () => {
    // root/package.json is the secret a traversal would leak; root/public is what is mounted.
    root = await mkdtemp(join(tmpdir(), 'mav-serve-static-'));
    await writeFile(join(root, 'package.json'), '{"secret":true}');
    await mkdir(join(root, 'public', 'nested'), { recursive: true });
    await writeFile(join(root, 'public', 'module.mjs'), 'export const answer = 42;\n');
    await writeFile(join(root, 'public', 'runtime.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    await writeFile(join(root, 'public', 'model.onnx'), modelBytes);
    await writeFile(join(root, 'public', 'nested', 'data.json'), '{"ok":1}');
    await writeFile(join(root, 'public', 'picture.png'), new Uint8Array([137, 80, 78, 71]));
    server = await serveStatic({
      routes: { '/static/': join(root, 'public') },
      files: { '/index.html': '<p>hi</p>', '/blob.js': new TextEncoder().encode('1;') },
    });
  });

  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and serves files from a mounted directory with their bytes', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await rawRequest(server.url, '/static/model.onnx');
    expect(response.status).toBe(200);
    expect(new Uint8Array(response.body)).toEqual(modelBytes);
    expect(response.headers['content-length']).toBe(String(modelBytes.byteLength));
  });

  it('sends the MIME type of each extension', async () => {
    const expected: Array<[string, string]> = [
      ['/static/module.mjs', 'text/javascript'],
      ['/static/runtime.wasm', 'application/wasm'],
      ['/static/nested/data.json', 'application/json'],
      ['/static/picture.png', 'image/png'],
      ['/static/model.onnx', 'application/octet-stream'],
      ['/index.html', 'text/html'],
      ['/blob.js', 'text/javascript'],
    ];
    for (const [path, mimeType] of expected) {
      const response = await rawRequest(server.url, path);
      expect(response.status, path).toBe(200);
      expect(String(response.headers['content-type']).split(';')[0], path).toBe(mimeType);
    }
  });

  it('sends COOP/COEP headers for cross-origin isolation, also on 404s', async () => {
    for (const path of ['/index.html', '/static/module.mjs', '/nothing-here']) {
      const response = await rawRequest(server.url, path);
      expect(response.headers['cross-origin-opener-policy'], path).toBe('same-origin');
      expect(response.headers['cross-origin-embedder-policy'], path).toBe('require-corp');
    }
  });

  it('answers 404 for unknown paths, directories and the bare prefix', async () => {
    for (const path of ['/nothing-here', '/static/missing.js', '/static/nested', '/static/', '/']) {
      expect((await rawRequest(server.url, path)).status, path).toBe(404);
    }
  });

  it('refuses path traversal out of a mounted directory', async () => {
    // Each of these would reach root/package.json if the server joined paths naively.
    const attempts = [
      '/static/../package.json',
      '/static/nested/../../package.json',
      '/static/%2e%2e/package.json',
      '/static/..%2fpackage.json',
      '/static/..%5cpackage.json',
      '/static/nested/%2E%2E/%2E%2E/package.json',
    ];
    for (const path of attempts) {
      const response = await rawRequest(server.url, path);
      expect(response.status, path).toBe(404);
      expect(response.body.toString(), path).not.toContain('secret');
    }
    // A `..` that stays inside the prefix is refused too: the server never resolves `..`.
    expect((await rawRequest(server.url, '/static/nested/../module.mjs')).status).toBe(404);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await rawRequest(server.url, '/static/module.mjs', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
    expect(head.headers['content-length']).toBe(String('export const answer = 42;\n'.length));
    expect((await rawRequest(server.url, '/static/module.mjs', 'POST')).status).toBe(405);
  });

  it('ignores query strings', async () => {
    const response = await rawRequest(server.url, '/static/nested/data.json?v=3');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({ ok: 1 });
  });

  it('stops accepting connections after close()', async () => {
    const extra = await serveStatic({ routes: {}, files: { '/a.txt': 'a' } });
    expect((await rawRequest(extra.url, '/a.txt')).status).toBe(200);
    await extra.close();
    await expect(rawRequest(extra.url, '/a.txt')).rejects.toThrow(/ECONNREFUSED/);
  });
});
