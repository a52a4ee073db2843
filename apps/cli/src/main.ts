/**
 * Entry point of the `mav` executable: wires the process (argv, streams, signals) to `runCli`.
 *
 * SIGINT (Ctrl-C), SIGTERM or SIGHUP aborts the running job through its AbortSignal; the video writer stops
 * ffmpeg and removes its temporary file, and the process exits with 130, 143 or 129 (see `exit-codes.ts`).
 * A second signal exits at once, after removing the temporary files of the outputs being written.
 */
import { removeTemporarySiblingsSync } from '@mav/video-io/node';
import { runCli } from './cli.js';
import { exitCodes, type HandledSignal, signalExitCodes } from './exit-codes.js';
import { loadModel } from './load-model.js';

// `pnpm --dir apps/cli run mav`, bin/mav.js and scripts/mav.sh run in apps/cli (so that tsx resolves):
// resolve the user's paths where they typed the command.
const cwd =
  process.env.MAV_CWD ||
  (process.env.npm_lifecycle_event === 'mav' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd());

// A reader that stops early (`mav --help | head -2`) closes the pipe: what is left to print has nowhere to
// go, and that is no error. Anything else on these streams still is.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

const controller = new AbortController();
const writing = new Set<string>();
let firstSignal: HandledSignal | undefined;
const onSignal = (signal: HandledSignal): void => {
  if (firstSignal !== undefined) {
    // No waiting for the job to unwind, but still no partial file left behind.
    for (const path of writing) removeTemporarySiblingsSync(path);
    process.stderr.write(`mav: ${signal} after ${firstSignal}: stopped at once; no partial file is left.\n`);
    process.exit(signalExitCodes[firstSignal]);
  }
  firstSignal = signal;
  controller.abort(new Error(`received ${signal}`));
};
for (const signal of Object.keys(signalExitCodes) as HandledSignal[]) process.on(signal, onSignal);

const status = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd,
  env: process.env,
  signal: controller.signal,
  loadModel,
  writing,
});
// A signal that came too late to stop anything leaves the finished run's status alone.
process.exitCode =
  firstSignal !== undefined && status !== exitCodes.ok ? signalExitCodes[firstSignal] : status;
