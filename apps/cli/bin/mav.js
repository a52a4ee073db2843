#!/usr/bin/env node
// The `mav` executable: runs the CLI from its TypeScript sources with tsx and the `@mav/source` export
// condition (workspace packages are read from source too, so no build step is needed). Ctrl-C reaches the
// child directly (same process group); this wrapper only waits and passes the exit status on.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const child = spawn(
  process.execPath,
  ['--conditions=@mav/source', '--import', 'tsx', main, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, MAV_CWD: process.cwd() },
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // A terminal's Ctrl-C already reached the child; forward signals sent to this process alone.
    child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1);
});
