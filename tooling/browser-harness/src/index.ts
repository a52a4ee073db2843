export {
  type ChromiumLaunchOptions,
  chromiumExecutable,
  chromiumLaunchArgs,
  launchChromium,
} from './chromium.js';
export { type RunInBrowserOptions, type RunInBrowserResult, runInBrowser } from './run-in-browser.js';
export { mimeTypeOf, type ServeStaticOptions, type StaticServer, serveStatic } from './serve-static.js';
