import { builtinModules } from 'node:module';
import { dirname, isAbsolute } from 'node:path';
import { build, formatMessages, type Message, type Plugin } from 'esbuild';

const nodeBuiltins = new Set(builtinModules);

function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return nodeBuiltins.has(specifier.split('/', 1)[0] ?? specifier);
}

const resolvingPolyfill = Symbol('resolving a polyfill');

/**
 * Node built-ins in browser bundles: a dynamic `import('node:fs')` stays external, because libraries keep
 * Node-only branches that never run in a browser (and if one does, the page says which module it could
 * not load). A static import or `require` of one fails the bundle with a message naming the importer,
 * since browser entries should not need Node modules at all.
 */
const nodeBuiltinsPlugin: Plugin = {
  name: 'mav-node-builtins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[a-z_:][\w:/.-]*$/ }, async (args) => {
      if (args.pluginData === resolvingPolyfill || !isNodeBuiltin(args.path)) return undefined;
      if (!args.path.startsWith('node:')) {
        // An npm package of the same name (the `buffer` or `events` polyfills) wins when it is installed.
        const polyfill = await pluginBuild.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: resolvingPolyfill,
        });
        if (polyfill.errors.length === 0 && !polyfill.external && isAbsolute(polyfill.path)) return polyfill;
      }
      if (args.kind === 'dynamic-import') return { path: args.path, external: true };
      // CommonJS libraries probe for Node modules with a guarded require (protobufjs: `try { require("fs") }`,
      // with `"browser": { "fs": false }`); give them an empty module, as browser bundlers do.
      if (args.kind === 'require-call') return { path: args.path, namespace: 'mav-empty-builtin' };
      return {
        errors: [
          {
            text: `"${args.path}" is a Node built-in module and does not exist in browsers; browser entries must not import it (a dynamic import() in a Node-only branch is allowed)`,
          },
        ],
      };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'mav-empty-builtin' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

async function describeMessages(messages: Message[], kind: 'error' | 'warning'): Promise<string> {
  const formatted = await formatMessages(messages, { kind, color: false });
  return formatted.join('\n').trim();
}

/** What {@link bundleEntry} produced. */
export interface EntryBundle {
  /** The ES module, with its source map inline. */
  code: string;
  /** The same source map as JSON text, for mapping stacks in Node. */
  sourceMap: string;
  /** The directory the source map's `sources` are relative to. */
  sourceRoot: string;
}

/**
 * Bundles `entry` (a .ts/.js module) into one in-memory ES module for the browser, resolving workspace
 * packages from their TypeScript sources through the `@mav/source` condition, with an inline source map.
 * Throws an `Error` carrying esbuild's messages when bundling fails.
 */
export async function bundleEntry(entry: string): Promise<EntryBundle> {
  let result: Awaited<ReturnType<typeof build>>;
  try {
    result = await build({
      entryPoints: [entry],
      absWorkingDir: dirname(entry),
      outfile: 'entry.js',
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['@mav/source', 'browser', 'module', 'import'],
      // 'both': inline for DevTools, and a separate map file (not written) for mapping stacks in Node.
      sourcemap: 'both',
      plugins: [nodeBuiltinsPlugin],
      logLevel: 'silent',
    });
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    const details =
      Array.isArray(errors) && errors.length > 0
        ? await describeMessages(errors, 'error')
        : error instanceof Error
          ? error.message
          : String(error);
    throw new Error(`runInBrowser: esbuild could not bundle ${entry}:\n${details}`, { cause: error });
  }
  const outputs = result.outputFiles ?? [];
  const code = outputs.find((file) => file.path.endsWith('.js'));
  const sourceMap = outputs.find((file) => file.path.endsWith('.js.map'));
  if (code === undefined || sourceMap === undefined) {
    throw new Error(`runInBrowser: esbuild produced no JavaScript for ${entry}`);
  }
  return { code: code.text, sourceMap: sourceMap.text, sourceRoot: dirname(entry) };
}
