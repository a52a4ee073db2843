import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { addGenerationOptions, type GenerationFlags } from '../generation-options.js';
import { runGeneration } from '../run-job.js';

/** `mav generate <prompt>`: text to video. */
export function generateCommand(context: CliContext): Command {
  const command = new Command('generate')
    .description('generate a video from a text prompt')
    .argument('<prompt>', 'what the video shows');
  addGenerationOptions(command).action(async (prompt: string, flags: GenerationFlags) => {
    await runGeneration(
      context,
      flags,
      (cascade, jobOptions) => cascade.textToVideo({ ...jobOptions, prompt }),
      {
        prompt,
      },
    );
  });
  return command;
}
