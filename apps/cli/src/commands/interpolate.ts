import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { exitCodes } from '../exit-codes.js';
import { addGenerationOptions, type GenerationFlags } from '../generation-options.js';
import { inputSize, readImageTensor } from '../read-inputs.js';
import { runGeneration } from '../run-job.js';

/** `mav interpolate <first> <last>`: the frames between two images. */
export function interpolateCommand(context: CliContext): Command {
  const command = new Command('interpolate')
    .description('make a video that goes from one image to another')
    .argument('<first>', 'image of the first frame')
    .argument('<last>', 'image of the last frame')
    .option('-p, --prompt <text>', 'what should happen in between');
  addGenerationOptions(command).action(
    async (firstPath: string, lastPath: string, flags: GenerationFlags & { prompt?: string }) => {
      if (flags.frames !== undefined && flags.frames < 2) {
        throw new CliError(
          exitCodes.usage,
          `interpolate needs --frames 2 or more (the first and the last image are key frames), got ${flags.frames}.`,
        );
      }
      await runGeneration(
        context,
        flags,
        async (cascade, jobOptions) => {
          const size = inputSize(cascade);
          const first = await readImageTensor({ cwd: context.cwd, path: firstPath, size });
          const last = await readImageTensor({ cwd: context.cwd, path: lastPath, size });
          return cascade.interpolateImages({
            ...jobOptions,
            first,
            last,
            ...(flags.prompt === undefined ? {} : { prompt: flags.prompt }),
          });
        },
        {
          prompt: flags.prompt,
          inputs: [
            { path: firstPath, what: 'image' },
            { path: lastPath, what: 'image' },
          ],
        },
      );
    },
  );
  return command;
}
