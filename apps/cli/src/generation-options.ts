/**
 * The options every generating command shares (`--seed --steps --guidance --fps --frames --size --format
 * --backend --model -o --force -q`), and how they turn into cascade job options.
 */
import { type Command, Option } from 'commander';
import { type BackendChoice, backendChoices } from './backend-choice.js';
import type { StageSettings } from './cascade-types.js';
import {
  choiceParser,
  integerParser,
  numberParser,
  type OutputSize,
  type PerStageValue,
  parseSize,
  perStageParser,
  stageNames,
} from './parse-options.js';

/** Parsed values of the shared options. */
export interface GenerationFlags {
  output: string;
  seed?: number;
  steps?: PerStageValue;
  guidance?: PerStageValue;
  fps?: number;
  frames?: number;
  size?: OutputSize;
  format?: string;
  backend: BackendChoice;
  threads?: number;
  model?: string;
  quiet?: boolean;
  /** Replace an existing output file (`--force`, `--overwrite`); never a folder, a link or an input. */
  force?: boolean;
}

/** Options shared by every command that loads a model. */
export function addModelOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--backend <name>', 'runtime: auto (CUDA when installed, else CPU), cpu, cuda, wasm')
        .argParser(choiceParser(backendChoices, 'backend'))
        .default('auto'),
    )
    .addOption(new Option('--threads <n>', 'CPU threads for the runtime').argParser(integerParser(1, 1024)))
    .addOption(
      new Option(
        '--model <path>',
        'model directory (with manifest.json) or manifest file; random:tiny for random weights',
      ),
    )
    .addOption(new Option('-q, --quiet', 'print nothing but warnings and errors'));
}

/**
 * `-o, --output` and `--force` (alias `--overwrite`): where a command writes, and whether it may replace an
 * existing file there (`checkOutputIsSafe` says what is refused whatever the flags).
 */
export function addOutputOptions(
  command: Command,
  options: { readonly defaultOutput: string; readonly description?: string },
): Command {
  const description =
    options.description ??
    'output file; the format follows the extension (no extension: a new folder of PNG frames)';
  return command
    .addOption(new Option('-o, --output <path>', description).default(options.defaultOutput))
    .addOption(
      new Option(
        '--force',
        'replace an existing output file (never a folder, a link or an input of the command)',
      ),
    )
    .addOption(new Option('--overwrite', 'the same as --force').implies({ force: true }));
}

/** `--seed`, `--steps` and `--guidance`: how every sampling stage runs (images and videos alike). */
export function addSamplingOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--seed <n>', 'random seed (default: a fresh one, printed)').argParser(
        integerParser(0, 2 ** 32 - 1),
      ),
    )
    .addOption(
      new Option(
        '--steps <n>',
        `denoising steps: one number for every stage, or stage=n pairs (${stageNames.join(', ')})`,
      ).argParser(perStageParser(integerParser(1, 1000))),
    )
    .addOption(
      new Option('--guidance <scale>', 'classifier-free guidance scale, or stage=scale pairs').argParser(
        perStageParser(numberParser(0, 100)),
      ),
    );
}

/** Adds the shared generation options to `command`. */
export function addGenerationOptions(command: Command, defaultOutput = 'out.mp4'): Command {
  addSamplingOptions(addOutputOptions(command, { defaultOutput }))
    .addOption(
      new Option(
        '--fps <n>',
        'frame rate of the key frames (motion conditioning); the file plays at fps x frame skip once interpolated',
      ).argParser(numberParser(0, 240, { exclusiveMin: true })),
    )
    .addOption(new Option('--frames <n>', 'key frames the decoder makes').argParser(integerParser(1, 1024)))
    .addOption(
      new Option(
        '--size <n|WxH>',
        'output size; stops the cascade at the first stage that reaches it',
      ).argParser(parseSize),
    )
    .addOption(new Option('--format <format>', 'mp4, webm, gif, apng, png (a frame directory) or y4m'));
  return addModelOptions(command);
}

/** `--steps` and `--guidance` as the cascade's per-stage settings. */
export function stageSettingsFrom(
  flags: Pick<GenerationFlags, 'steps' | 'guidance'>,
): StageSettings | undefined {
  if (flags.steps === undefined && flags.guidance === undefined) return undefined;
  const settings: StageSettings = {};
  for (const stage of stageNames) {
    const steps = flags.steps?.byStage[stage] ?? flags.steps?.all;
    const guidanceScale = flags.guidance?.byStage[stage] ?? flags.guidance?.all;
    if (steps === undefined && guidanceScale === undefined) continue;
    settings[stage] = {
      ...(steps === undefined ? {} : { steps }),
      ...(guidanceScale === undefined ? {} : { guidanceScale }),
    };
  }
  return settings;
}
