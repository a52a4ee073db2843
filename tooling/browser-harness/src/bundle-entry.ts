import { builtinModules } from 'node:module';
import { dirname } from 'node:path';
import { build, formatMessages, type Message } from 'esbuild';

/**
 * Node built-ins stay external instead of failing the bundle: libraries such as onnxruntime-web keep
 * Node-only branches (`await import('node:fs')`) that never run in a browser. An entry that really
 * needs one fails in the page with "Failed to resolve module specifier", which names the module.
 */
const nodeBuiltins = ['node:*', ...builtinModules, ...builtinModules.map((name) => `${name}/*`)];

async function describeMessages(messages: Message[], kind: 'error' | 'warning'): Promise<string> {
  const formatted = await formatMessages(messages, { kind, color: false });
  return formatted.join('\n').trim();
}

/**
 * Bundles `entry` (a .ts/.js module) into one in-memory ES module for the browser, resolving workspace
 * packages from their TypeScript sources through the `@mav/source` condition, with an inline source map.
 * Throws an `Error` carrying esbuild's messages when bundling fails.
 */
export async function bundleEntry(entry: string): Promise<string> {
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
      sourcemap: 'inline',
      external: nodeBuiltins,
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
  const output = (result.outputFiles ?? []).find((file) => file.path.endsWith('.js'));
  if (output === undefined) throw new Error(`runInBrowser: esbuild produced no JavaScript for ${entry}`);
  return output.text;
}
