#!/usr/bin/env node
// The `mav` executable: runs the CLI from its TypeScript sources with tsx and the `@mav/source` export
// condition (workspace packages are read from source too, so no build step is needed). Ctrl-C reaches the
// child directly (same process group); this wrapper only waits and passes the exit status on (128 + the
// signal's number when the child died of one, as shells report it).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
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
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // Forward signals sent to this process alone. A terminal's Ctrl-C reaches the child directly as well,
    // so it gets two, which the CLI takes as a second Ctrl-C: it exits at once, still removing its
    // temporary files (scripts/mav.sh has no such wrapper: node replaces the shell).
    child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  process.exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
});
