import { isAbsolute } from 'node:path';
import { type Browser, errors as playwrightErrors } from 'playwright-core';
import { bundleEntry } from './bundle-entry.js';
import { BundleSourceMap } from './bundle-source-map.js';
import { launchChromium } from './chromium.js';
import { type StaticServer, serveStatic } from './serve-static.js';

/** Options of {@link runInBrowser}. */
export interface RunInBrowserOptions {
  /** Absolute path of a .ts/.js module whose default export is `async (args) => value` (JSON-serialisable). */
  entry: string;
  /** JSON-serialisable value passed to the entry's default export. */
  args?: unknown;
  /** Launch with `--enable-unsafe-webgpu` so `navigator.gpu` gives the SwiftShader adapter. Default `true`. */
  webgpu?: boolean;
  /** URL prefix (e.g. `'/ort/'`) -> directory served as static files (e.g. onnxruntime-web's `dist`). */
  staticDirs?: Record<string, string>;
  /** Limit for the whole run (bundle, launch, load, entry), in milliseconds. Default 120000. */
  timeoutMs?: number;
  /** When set, a PNG screenshot of the page is written here after the entry finished. */
  screenshotPath?: string;
  /** Body HTML of the page (default empty). */
  html?: string;
}

/** What {@link runInBrowser} resolves to. */
export interface RunInBrowserResult<T> {
  /** The entry's return value after a JSON round trip. */
  value: T;
  /** Console messages (`[log] text`, `[error] text`, ...) and uncaught page errors (`[pageerror] ...`). */
  logs: string[];
}

/** Where the harness files live on the test server; entries should not use this prefix. */
const harnessPrefix = '/__mav_harness__/';
const defaultTimeoutMs = 120_000;
/** How many of the last log lines go into an error message. */
const logsInErrors = 40;

type PageOutcome = { ok: true; valueJson: string | undefined } | { ok: false; error: string };

/**
 * The page's module script: loads args and the bundle, runs the default export and records the outcome
 * on `window` for the polling wait. Dynamic `import()` sits inside the `try` so that a bundle that throws
 * while loading is reported like an entry that throws.
 */
const runnerScript = `
const record = (outcome) => { window.__mavHarnessOutcome = outcome; };
const describe = (error) => {
  if (error instanceof Error) {
    const head = error.name + ': ' + error.message;
    const stack = typeof error.stack === 'string' ? error.stack : '';
    return stack.includes(error.message) ? stack : head + '\\n' + stack;
  }
  try { return 'non-Error thrown: ' + JSON.stringify(error); } catch { return 'non-Error thrown: ' + String(error); }
};
try {
  const args = await (await fetch('${harnessPrefix}args.json')).json();
  const entryModule = await import('${harnessPrefix}entry.js');
  if (typeof entryModule.default !== 'function') {
    throw new TypeError('the entry module has no default export function (expected export default async (args) => value)');
  }
  const value = await entryModule.default(args);
  record({ ok: true, valueJson: JSON.stringify(value) });
} catch (error) {
  record({ ok: false, error: describe(error) });
}
`;

function pageHtml(bodyHtml: string): string {
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>mav browser harness</title>
<link rel="icon" href="data:,">
</head>
<body>
${bodyHtml}
<script type="module" src="${harnessPrefix}runner.js"></script>
</body>
</html>
`;
}

function lastLogs(logs: readonly string[]): string {
  if (logs.length === 0) return '(no logs)';
  const tail = logs.slice(-logsInErrors);
  const skipped = logs.length - tail.length;
  return (skipped > 0 ? `(${skipped} earlier lines left out)\n` : '') + tail.join('\n');
}

function checkOptions(options: RunInBrowserOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('runInBrowser: options must be an object');
  }
  if (typeof options.entry !== 'string' || !isAbsolute(options.entry)) {
    throw new TypeError(`runInBrowser: options.entry must be an absolute path, got ${String(options.entry)}`);
  }
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new RangeError(
      `runInBrowser: options.timeoutMs must be a positive number, got ${options.timeoutMs}`,
    );
  }
}

/**
 * Runs the default export of `options.entry` inside headless Chromium and resolves to its (JSON) return
 * value plus the page's console output. The entry is bundled with esbuild (workspace packages from their
 * TypeScript sources), served from `127.0.0.1` with cross-origin isolation next to `staticDirs`, and run in
 * a fresh browser that is always closed afterwards. Rejects with an `Error` that holds the page's error
 * message and stack and the last logs when the entry throws, and with a timeout error when the whole run
 * takes longer than `timeoutMs`.
 */
export async function runInBrowser<T = unknown>(
  options: RunInBrowserOptions,
): Promise<RunInBrowserResult<T>> {
  checkOptions(options);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  const remaining = (): number => Math.max(1, deadline - Date.now());
  const logs: string[] = [];
  // Replaced by a source-map lookup once the bundle exists: stacks then name the original .ts files.
  let mapText = (text: string): string => text;
  const log = (line: string): void => {
    logs.push(mapText(line));
  };
  const timeoutError = (stage: string): Error =>
    new Error(
      `runInBrowser: ${options.entry} did not finish within ${timeoutMs} ms (while ${stage}).\n` +
        `Last logs:\n${lastLogs(logs)}`,
    );

  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let finished = false;
  let stage = 'bundling the entry';
  let timer: ReturnType<typeof setTimeout> | undefined;

  const run = async (): Promise<RunInBrowserResult<T>> => {
    const bundle = await bundleEntry(options.entry);
    const sourceMap = new BundleSourceMap({
      sourceMap: bundle.sourceMap,
      sourceRoot: bundle.sourceRoot,
      bundleUrlPath: `${harnessPrefix}entry.js`,
    });
    mapText = (text) => sourceMap.mapText(text);
    const argsJson = JSON.stringify(options.args ?? null);
    if (finished) throw timeoutError(stage);

    stage = 'starting the server';
    const startedServer = await serveStatic({
      routes: options.staticDirs ?? {},
      files: {
        [`${harnessPrefix}index.html`]: pageHtml(options.html ?? ''),
        [`${harnessPrefix}runner.js`]: runnerScript,
        [`${harnessPrefix}entry.js`]: bundle.code,
        [`${harnessPrefix}args.json`]: argsJson,
      },
    });
    if (finished) {
      await startedServer.close();
      throw timeoutError(stage);
    }
    server = startedServer;

    stage = 'launching Chromium';
    const launchedBrowser = await launchChromium({ webgpu: options.webgpu ?? true, timeoutMs: remaining() });
    if (finished) {
      // The timeout already fired: nobody else will close this browser.
      await launchedBrowser.close().catch(() => {});
      throw timeoutError(stage);
    }
    browser = launchedBrowser;

    const page = await browser.newPage();
    page.on('console', (message) => log(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => log(`[pageerror] ${error.stack ?? error.message}`));
    page.on('requestfailed', (request) =>
      log(`[requestfailed] ${request.url()}: ${request.failure()?.errorText ?? 'unknown error'}`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) log(`[http ${response.status()}] ${response.url()}`);
    });
    const crashed = new Promise<never>((_, reject) => {
      page.once('crash', () =>
        reject(new Error(`runInBrowser: the page crashed while running ${options.entry}`)),
      );
    });
    crashed.catch(() => {});

    stage = 'loading the page';
    await Promise.race([
      page.goto(`${server.url}${harnessPrefix}index.html`, { timeout: remaining() }),
      crashed,
    ]);

    stage = 'running the entry';
    await Promise.race([
      page.waitForFunction(
        () => (window as { __mavHarnessOutcome?: unknown }).__mavHarnessOutcome !== undefined,
        undefined,
        {
          polling: 50,
          timeout: remaining(),
        },
      ),
      crashed,
    ]);
    const outcome = await page.evaluate(
      () => (window as unknown as { __mavHarnessOutcome: PageOutcome }).__mavHarnessOutcome,
    );

    if (options.screenshotPath !== undefined) {
      stage = 'taking the screenshot';
      try {
        await page.screenshot({ path: options.screenshotPath, timeout: remaining() });
      } catch (error) {
        // A failed entry's own error matters more than a missing screenshot.
        if (outcome.ok) throw error;
      }
    }

    if (!outcome.ok) {
      throw new Error(
        `runInBrowser: ${options.entry} threw in the page:\n${mapText(outcome.error)}\nLast logs:\n${lastLogs(logs)}`,
      );
    }
    const value = (outcome.valueJson === undefined ? undefined : JSON.parse(outcome.valueJson)) as T;
    return { value, logs };
  };

  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(stage)), timeoutMs);
  });
  try {
    return await Promise.race([run(), timedOut]);
  } catch (error) {
    if (error instanceof playwrightErrors.TimeoutError) throw timeoutError(stage);
    throw error;
  } finally {
    finished = true;
    clearTimeout(timer);
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
  }
}
