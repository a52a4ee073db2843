/**
 * Entry point of the `mav` executable: wires the process (argv, streams, Ctrl-C) to `runCli`.
 *
 * Ctrl-C (SIGINT) or SIGTERM aborts the running job through its AbortSignal; the video writer removes
 * its temporary file, and the process exits with status 130. A second Ctrl-C exits at once.
 */
import { runCli } from './cli.js';
import { exitCodes } from './exit-codes.js';
import { loadModel } from './load-model.js';

// `pnpm --dir apps/cli run mav` and bin/mav.js run in apps/cli (so that tsx resolves): resolve the user's
// paths where they typed the command.
const cwd =
  process.env.MAV_CWD ||
  (process.env.npm_lifecycle_event === 'mav' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd());

const controller = new AbortController();
let interrupts = 0;
const interrupt = (signal: NodeJS.Signals): void => {
  interrupts++;
  if (interrupts > 1) process.exit(exitCodes.interrupted);
  controller.abort(new Error(`received ${signal}`));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

const status = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd,
  env: process.env,
  signal: controller.signal,
  loadModel,
});
process.exitCode = controller.signal.aborted ? exitCodes.interrupted : status;
