/**
 * The quality command: `pnpm --filter @mav/quality quality --model models/default --out reports/default --quick`.
 * It calls `runQuality` (harness/run-quality.ts), which plans, renders the real clips, generates through
 * @mav/cascade and scores; this file owns the terminal (progress on stderr, the summary on stdout).
 */
import { createMemorySource, type StageName, stageNames } from '@mav/cascade';
import { createRandomCascade } from '@mav/cascade/testing';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import type { QualityProgress } from './harness/generate-videos.js';
import { runQuality } from './harness/run-quality.js';
import { judgeAttributes } from './judge/judge-config.js';

/** Parses `decoder=12,interpolation=4` into steps per stage. */
export function parseSteps(text: string): Partial<Record<StageName, number>> {
  const steps: Partial<Record<StageName, number>> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [stage, count] = part.split('=');
    if (!stageNames.includes(stage as StageName))
      throw new InvalidArgumentError(`unknown stage '${stage}'; known stages: ${stageNames.join(', ')}.`);
    const value = Number(count);
    if (!Number.isSafeInteger(value) || value < 1)
      throw new InvalidArgumentError(`steps of ${stage} must be a positive integer.`);
    steps[stage as StageName] = value;
  }
  return steps;
}

/** Runs the command line `argv` (without node and the script). Returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('quality')
    .description(
      'Generate a prompt set through @mav/cascade and score it with the judges of the shapes world.',
    )
    .option(
      '--model <folder>',
      'model folder (manifest.json); with --source real, optional (its CLIP scores CLIPSIM)',
    )
    .requiredOption(
      '--out <folder>',
      'run folder: report.json, report.md, sheet.png, videos/ (reused when resumed)',
    )
    .option(
      '--random <seed>',
      'instead of --model: the random-weight tiny cascade of @mav/cascade/testing (chance level)',
      (value) => Number(value),
    )
    .option('--quick', 'the quick prompt set (minutes on 2 cores)')
    .option('--set <name|file>', "prompt set: 'quick', 'full' (default) or a JSON file")
    .option(
      '--source <source>',
      "'cascade' (generate, default) or 'real' (real clips: the ceiling)",
      'cascade',
    )
    .option('--steps <stage=n,...>', 'sampling steps per stage, over the prompt set’s', parseSteps)
    .option(
      '--ablation <folder>',
      'report the temporal-initialisation ablation from `python3 -m mav_train.judges ablation --out <folder>`',
    )
    .option('--threads <n>', 'onnxruntime threads', (value) => Number(value), 2)
    .option('--judges <folder>', 'folder of judge.json and judge.safetensors (default: the committed judges)')
    .option('--quiet', 'no progress output')
    .exitOverride();
  try {
    program.parse(['node', 'quality', ...argv]);
  } catch (error) {
    return (error as { exitCode?: number }).exitCode ?? 2;
  }
  const options = program.opts<{
    model?: string;
    random?: number;
    out: string;
    quick?: boolean;
    set?: string;
    source: string;
    steps?: Partial<Record<StageName, number>>;
    threads: number;
    judges?: string;
    ablation?: string;
    quiet?: boolean;
  }>();
  if (options.source !== 'cascade' && options.source !== 'real') {
    process.stderr.write(`quality: --source must be 'cascade' or 'real', got '${options.source}'.\n`);
    return 2;
  }
  if (options.random !== undefined && (!Number.isSafeInteger(options.random) || options.random < 0)) {
    process.stderr.write('quality: --random takes a non-negative integer seed.\n');
    return 2;
  }
  const progress = createProgress(options.quiet ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines');
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    const random =
      options.random === undefined
        ? undefined
        : await createRandomCascade({ seed: options.random, preset: 'tiny' });
    const model = random
      ? { manifest: random.manifest, files: createMemorySource(random.files) }
      : options.model;
    const { report, files } = await runQuality({
      out: options.out,
      promptSet: options.set ?? (options.quick ? 'quick' : 'full'),
      source: options.source,
      ...(model ? { model } : {}),
      ...(options.steps ? { steps: options.steps } : {}),
      threads: options.threads,
      ...(options.judges ? { judgeFolder: options.judges } : {}),
      ...(options.ablation ? { ablation: options.ablation } : {}),
      signal: controller.signal,
      onProgress: progress.update,
    });
    progress.stop();
    const last = report.stages.at(-1);
    if (last) {
      const accuracy = last.accuracy.all;
      process.stdout.write(
        `${last.stage}: ${judgeAttributes.map((attribute) => `${attribute} ${(100 * accuracy[attribute]).toFixed(1)}%`).join(', ')}\n`,
      );
    }
    process.stdout.write(`wrote ${files.markdown}, ${files.json}, ${files.sheet}\n`);
    return 0;
  } catch (error) {
    progress.stop();
    process.stderr.write(`quality: ${(error as Error).message}\n`);
    return controller.signal.aborted ? 130 : 1;
  } finally {
    process.off('SIGINT', stop);
  }
}

function createProgress(mode: 'bar' | 'lines' | 'quiet'): {
  update: (event: QualityProgress) => void;
  stop: () => void;
} {
  if (mode === 'quiet') return { update() {}, stop() {} };
  if (mode === 'lines') {
    let last = '';
    return {
      update(event) {
        if (event.stage !== undefined && event.step !== event.totalSteps) return;
        const line = `${event.phase} ${event.done}/${event.total}${event.key ? ` ${event.key}` : ''}${event.reused ? ' (reused)' : ''}${event.stage ? ` ${event.stage} ${event.step}/${event.totalSteps}` : ''}`;
        if (line !== last) process.stderr.write(`${line}\n`);
        last = line;
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {phase} |{bar}| {value}/{total} {key} {detail}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  return {
    update(event) {
      if (event.phase !== phase) {
        if (phase) bar.stop();
        phase = event.phase;
        bar.start(event.total, event.done, { phase, key: '', detail: '' });
      }
      const detail = event.reused
        ? 'reused'
        : event.stage
          ? `${event.stage} ${event.step}/${event.totalSteps}`
          : '';
      bar.update(event.done, { phase, key: event.key ?? '', detail });
    },
    stop() {
      if (phase) bar.stop();
    },
  };
}
