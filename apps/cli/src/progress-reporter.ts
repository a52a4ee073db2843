/**
 * What the CLI shows while the cascade runs: one progress bar per stage (cli-progress) on a terminal,
 * one line per step when stderr is not a terminal (logs, CI, tests), nothing with `--quiet`.
 */
import cliProgress from 'cli-progress';

/** A step of one stage, as reported by the cascade's `onProgress`. */
export interface StageProgress {
  readonly stage: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly elapsedMs: number;
}

/** Receives progress and renders it. */
export interface ProgressReporter {
  /** A stage made a step. */
  stage(event: StageProgress): void;
  /** A line of status text (`loading model`, `wrote out.mp4`), shown unless quiet. */
  note(text: string): void;
  /** Ends the bars (leaves the finished ones on screen). */
  stop(): void;
}

/** How progress is shown. */
export type ProgressMode = 'bars' | 'lines' | 'quiet';

/** The mode for a stream: bars on a terminal, lines otherwise, nothing when quiet. */
export function progressModeFor(stream: { isTTY?: boolean }, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY ? 'bars' : 'lines';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Creates the reporter for `mode`, writing to `stream` (stderr: stdout is kept for results). */
export function createProgressReporter(
  mode: ProgressMode,
  stream: NodeJS.WritableStream & { isTTY?: boolean },
): ProgressReporter {
  if (mode === 'quiet') {
    return { stage() {}, note() {}, stop() {} };
  }
  if (mode === 'lines') {
    return {
      stage(event) {
        stream.write(`${event.stage} ${event.step}/${event.totalSteps} ${seconds(event.elapsedMs)}\n`);
      },
      note(text) {
        stream.write(`${text}\n`);
      },
      stop() {},
    };
  }
  const multiBar = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: ' {stage} |{bar}| {value}/{total} {unit} | {time}',
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const padding = 20;
  let stopped = false;
  return {
    stage(event) {
      let bar = bars.get(event.stage);
      const payload = { stage: event.stage.padEnd(padding), unit: 'steps', time: seconds(event.elapsedMs) };
      if (bar === undefined) {
        bar = multiBar.create(event.totalSteps, 0, payload);
        bars.set(event.stage, bar);
      }
      bar.setTotal(event.totalSteps);
      bar.update(event.step, payload);
    },
    note(text) {
      // MultiBar.log only flushes while bars are being drawn.
      if (bars.size === 0 || stopped) stream.write(`${text}\n`);
      else multiBar.log(`${text}\n`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multiBar.stop();
    },
  };
}
