import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { addGenerationOptions, type GenerationFlags } from '../generation-options.js';
import { inputSize, readImageTensor } from '../read-inputs.js';
import { runGeneration } from '../run-job.js';

/** `mav animate <image>`: a still image set in motion (the first frame is given). */
export function animateCommand(context: CliContext): Command {
  const command = new Command('animate')
    .description('animate an image (PNG or JPEG): it becomes the first frame of the video')
    .argument('<image>', 'image file')
    .option('-p, --prompt <text>', 'what should happen in the video');
  addGenerationOptions(command).action(
    async (imagePath: string, flags: GenerationFlags & { prompt?: string }) => {
      await runGeneration(
        context,
        flags,
        async (cascade, jobOptions) => {
          const image = await readImageTensor({
            cwd: context.cwd,
            path: imagePath,
            size: inputSize(cascade),
          });
          return cascade.animateImage({
            ...jobOptions,
            image,
            ...(flags.prompt === undefined ? {} : { prompt: flags.prompt }),
          });
        },
        { inputs: [{ path: imagePath, what: 'image' }], prompt: flags.prompt },
      );
    },
  );
  return command;
}
