import { resolve } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';

/**
 * Rewrites stack-frame locations in the bundle (`http://127.0.0.1:PORT<bundleUrlPath>:line:column`) to the
 * original source files, so errors from the page point at the entry's and the workspace packages' `.ts`
 * files. Locations without a mapping are left as they are.
 */
export class BundleSourceMap {
  readonly #traceMap: TraceMap;
  readonly #sourceRoot: string;
  readonly #locationPattern: RegExp;

  /**
   * @param options.sourceMap the esbuild source map (JSON text) of the bundle
   * @param options.sourceRoot the directory the map's `sources` are relative to
   * @param options.bundleUrlPath the URL path the bundle is served at, e.g. `/__mav_harness__/entry.js`
   */
  constructor(options: { sourceMap: string; sourceRoot: string; bundleUrlPath: string }) {
    this.#traceMap = new TraceMap(options.sourceMap);
    this.#sourceRoot = options.sourceRoot;
    const escapedPath = options.bundleUrlPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.#locationPattern = new RegExp(`https?://[^\\s/()]+${escapedPath}:(\\d+):(\\d+)`, 'g');
  }

  /** `text` with every bundle location replaced by `/absolute/source.ts:line:column` where mapped. */
  mapText(text: string): string {
    return text.replace(this.#locationPattern, (location, lineText: string, columnText: string) => {
      // Stack columns are 1-based, source-map columns 0-based.
      const original = originalPositionFor(this.#traceMap, {
        line: Number(lineText),
        column: Number(columnText) - 1,
      });
      if (original.source === null || original.line === null || original.column === null) return location;
      return `${resolve(this.#sourceRoot, original.source)}:${original.line}:${original.column + 1}`;
    });
  }
}
