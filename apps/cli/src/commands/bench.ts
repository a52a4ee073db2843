import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import { addModelOptions, type GenerationFlags } from '../generation-options.js';
import { integerParser, numberParser, perStageParser } from '../parse-options.js';
import { jobOptionsFrom, withCascade } from '../run-job.js';
import { formatTable } from './info.js';

/** Time spent in one stage in one run. */
export interface StageTiming {
  readonly stage: string;
  readonly steps: number;
  readonly milliseconds: number;
}

/**
 * Splits a run into stages from its progress events: a stage's time runs from the end of the previous
 * stage (or the start of the run) to its last event, so setup work counts toward the stage it prepares.
 */
export class StageClock {
  private readonly timings = new Map<string, { steps: number; end: number }>();
  private readonly order: string[] = [];
  private readonly start = performance.now();

  /** Records a progress event of `stage`. */
  record(stage: string, step: number): void {
    let timing = this.timings.get(stage);
    if (timing === undefined) {
      timing = { steps: 0, end: 0 };
      this.timings.set(stage, timing);
      this.order.push(stage);
    }
    timing.steps = Math.max(timing.steps, step);
    timing.end = performance.now();
  }

  /** The stages in the order they ran. */
  result(): StageTiming[] {
    let previous = this.start;
    return this.order.map((stage) => {
      const timing = this.timings.get(stage)!;
      const milliseconds = timing.end - previous;
      previous = timing.end;
      return { stage, steps: timing.steps, milliseconds };
    });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `mav bench`: text-to-video runs, timed per stage. */
export function benchCommand(context: CliContext): Command {
  const command = new Command('bench')
    .description('time text-to-video per stage (median over runs)')
    .option('-p, --prompt <text>', 'prompt', 'a red circle bouncing on a blue background')
    .addOption(new Option('--runs <n>', 'timed runs').argParser(integerParser(1, 100)).default(1))
    .addOption(new Option('--warmup <n>', 'untimed runs first').argParser(integerParser(0, 100)).default(0))
    .addOption(new Option('--seed <n>', 'random seed').argParser(integerParser(0, 2 ** 32 - 1)).default(0))
    .addOption(
      new Option('--steps <n>', 'denoising steps (or stage=n pairs)').argParser(
        perStageParser(integerParser(1, 1000)),
      ),
    )
    .addOption(
      new Option('--guidance <scale>', 'guidance scale (or stage=scale pairs)').argParser(
        perStageParser(numberParser(0, 100)),
      ),
    )
    .addOption(new Option('--frames <n>', 'key frames').argParser(integerParser(1, 1024)))
    .addOption(new Option('--fps <n>', 'frame rate').argParser(numberParser(0, 240, { exclusiveMin: true })))
    .addOption(new Option('--json', 'print JSON instead of a table'));
  addModelOptions(command).action(
    async (flags: GenerationFlags & { prompt: string; runs: number; warmup: number; json?: boolean }) => {
      await withCascade(context, flags, async ({ cascade, reporter, backendDescription }) => {
        const runs: StageTiming[][] = [];
        const totals: number[] = [];
        for (let run = 0; run < flags.warmup + flags.runs; run++) {
          const clock = new StageClock();
          const started = performance.now();
          const jobOptions = jobOptionsFrom(
            context,
            { ...flags, size: undefined, output: '' },
            cascade,
            reporter,
          );
          const result = await cascade.textToVideo({
            ...jobOptions,
            prompt: flags.prompt,
            onProgress: (event) => {
              clock.record(event.stage, event.step);
              reporter.stage(event);
            },
          });
          result.video.dispose();
          if (run >= flags.warmup) {
            runs.push(clock.result());
            totals.push(performance.now() - started);
          }
        }
        reporter.stop();
        const stages = runs[0]!.map((timing, index) => ({
          stage: timing.stage,
          steps: timing.steps,
          milliseconds: median(runs.map((timings) => timings[index]?.milliseconds ?? Number.NaN)),
        }));
        const total = median(totals);
        if (flags.json) {
          context.stdout.write(
            `${JSON.stringify({ backend: backendDescription, runs: flags.runs, stages, totalMilliseconds: total }, null, 2)}\n`,
          );
          return;
        }
        const rows = [
          ['stage', 'steps', 'ms', 'ms/step'],
          ...stages.map((timing) => [
            timing.stage,
            String(timing.steps),
            timing.milliseconds.toFixed(1),
            timing.steps > 0 ? (timing.milliseconds / timing.steps).toFixed(1) : '-',
          ]),
          ['total', '', total.toFixed(1), ''],
        ];
        context.stdout.write(
          `backend: ${backendDescription}; median of ${flags.runs} run(s)\n${formatTable(rows)}\n`,
        );
      });
    },
  );
  return command;
}
