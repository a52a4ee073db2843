import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Names looked up on `PATH`, in order, when `CHROMIUM_PATH` is not set. */
const executableNames = ['chromium', 'chromium-browser', 'google-chrome'] as const;

/** Options shared by {@link chromiumLaunchArgs} and {@link launchChromium}. */
export interface ChromiumLaunchOptions {
  /** Launch with `--enable-unsafe-webgpu` so `navigator.gpu` gives the SwiftShader adapter. Default `true`. */
  webgpu?: boolean;
}

function isExecutableFile(candidate: string): boolean {
  try {
    if (!statSync(candidate).isFile()) return false;
    accessSync(candidate, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium binary the harness drives: the `CHROMIUM_PATH` environment variable when set, else the
 * first of `chromium`, `chromium-browser`, `google-chrome` found on `PATH`. Throws an `Error` that says how
 * to install one when none is found (or when `CHROMIUM_PATH` names something that is not an executable).
 */
export function chromiumExecutable(): string {
  const fromEnvironment = process.env.CHROMIUM_PATH;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    if (!isExecutableFile(fromEnvironment)) {
      throw new Error(
        `CHROMIUM_PATH is set to "${fromEnvironment}", which is not an executable file. ` +
          'Point CHROMIUM_PATH at a Chromium or Chrome binary, or unset it to search PATH.',
      );
    }
    return fromEnvironment;
  }
  const directories = (process.env.PATH ?? '').split(delimiter).filter((directory) => directory !== '');
  for (const name of executableNames) {
    for (const directory of directories) {
      const candidate = join(directory, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  throw new Error(
    `No Chromium found: none of ${executableNames.join(', ')} is on PATH and CHROMIUM_PATH is not set. ` +
      'Install it with `apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
}

/**
 * The extra command-line flags the harness passes to Chromium. `--enable-unsafe-webgpu` (when `webgpu`
 * is not `false`) makes `navigator.gpu.requestAdapter()` return the SwiftShader (CPU) adapter on machines
 * without a GPU; the networking flags stop Chromium from reaching out to Google hosts, which on a closed
 * network only costs time and log noise. No `--user-data-dir`: `launch()` makes a fresh profile.
 */
export function chromiumLaunchArgs(options: ChromiumLaunchOptions = {}): string[] {
  const args = [
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (options.webgpu ?? true) args.push('--enable-unsafe-webgpu');
  return args;
}

/**
 * Launches headless Chromium ({@link chromiumExecutable}) with {@link chromiumLaunchArgs} through
 * playwright-core, for tests that drive their own pages. The caller closes the returned browser.
 */
export async function launchChromium(
  options: ChromiumLaunchOptions & { timeoutMs?: number } = {},
): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumExecutable(),
    headless: true,
    args: chromiumLaunchArgs(options),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
}
