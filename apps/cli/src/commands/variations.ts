import { Command, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { exitCodes } from '../exit-codes.js';
import { addGenerationOptions, type GenerationFlags } from '../generation-options.js';
import { integerParser } from '../parse-options.js';
import { inputSize, readImageTensor } from '../read-inputs.js';
import { runGeneration } from '../run-job.js';

/** `mav variations [prompt] [--image x]`: several videos from one prompt or image, numbered files. */
export function variationsCommand(context: CliContext): Command {
  const command = new Command('variations')
    .description('several videos of one prompt or image; written as out-1.mp4, out-2.mp4, ...')
    .argument('[prompt]', 'what the videos show')
    .option('--image <path>', 'vary an image instead of (or as well as) a prompt')
    .addOption(new Option('--count <n>', 'how many videos').argParser(integerParser(1, 64)).default(2));
  addGenerationOptions(command).action(
    async (prompt: string | undefined, flags: GenerationFlags & { image?: string; count: number }) => {
      if (prompt === undefined && flags.image === undefined) {
        throw new CliError(exitCodes.usage, 'variations needs a prompt or --image <path>.');
      }
      await runGeneration(
        context,
        flags,
        async (cascade, jobOptions) => {
          const image =
            flags.image === undefined
              ? undefined
              : await readImageTensor({ cwd: context.cwd, path: flags.image, size: inputSize(cascade) });
          return cascade.variations({
            ...jobOptions,
            count: flags.count,
            ...(prompt === undefined ? {} : { prompt }),
            ...(image === undefined ? {} : { image }),
          });
        },
        {
          prompt,
          inputs: flags.image === undefined ? [] : [{ path: flags.image, what: 'image' }],
          numberedOutputs: flags.count,
        },
      );
    },
  );
  return command;
}
