import { imageAsVideo } from '@mav/cascade';
import { Command, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import {
  addModelOptions,
  addOutputOptions,
  addSamplingOptions,
  type GenerationFlags,
} from '../generation-options.js';
import { integerParser } from '../parse-options.js';
import { runGeneration } from '../run-job.js';

/** Flags of `mav image`. */
interface ImageFlags extends GenerationFlags {
  superResolution: boolean;
  resolution?: number;
}

/**
 * `mav image <prompt>`: the text-to-image model the video model was built on (C_x, P, D), optionally
 * followed by the super-resolution stages; writes one PNG (or any format `-o` names, as a 1-frame video).
 */
export function imageCommand(context: CliContext): Command {
  const command = new Command('image')
    .description('generate an image from a text prompt (the text-to-image model: prior and image decoder)')
    .argument('<prompt>', 'what the image shows')
    .addOption(
      new Option('--no-super-resolution', "keep the image decoder's own resolution (skip SR_l and SR_h)"),
    )
    .addOption(
      new Option('--resolution <n>', 'height and width of the last super-resolution stage').argParser(
        integerParser(1, 8192),
      ),
    );
  addSamplingOptions(
    addOutputOptions(command, { defaultOutput: 'out.png', description: 'output image (.png)' }),
  );
  addModelOptions(command).action(async (prompt: string, flags: ImageFlags) => {
    await runGeneration(
      context,
      flags,
      async (cascade, jobOptions) => {
        const result = await cascade.textToImage({
          prompt,
          ...(jobOptions.seed === undefined ? {} : { seed: jobOptions.seed }),
          ...(jobOptions.stages === undefined ? {} : { stages: jobOptions.stages }),
          ...(flags.resolution === undefined ? {} : { outputSize: flags.resolution }),
          superResolution: flags.superResolution,
          ...(jobOptions.signal === undefined ? {} : { signal: jobOptions.signal }),
          ...(jobOptions.onProgress === undefined ? {} : { onProgress: jobOptions.onProgress }),
        });
        // a 1-frame video (one frame is written as a plain PNG)
        return {
          video: imageAsVideo(result.image),
          fps: 1,
          stages: result.stages,
          imageEmbedding: result.imageEmbedding,
        };
      },
      { prompt },
    );
  });
  return command;
}
