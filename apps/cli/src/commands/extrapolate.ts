import { Command, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { exitCodes } from '../exit-codes.js';
import { addGenerationOptions, type GenerationFlags } from '../generation-options.js';
import { choiceParser, integerParser } from '../parse-options.js';
import { inputSize, readVideoTensor } from '../read-inputs.js';
import { runGeneration } from '../run-job.js';

/** `mav extrapolate <video>`: continue a video forward in time, or backward. */
export function extrapolateCommand(context: CliContext): Command {
  const command = new Command('extrapolate')
    .description(
      'continue a video forward (or backward) in time; --frames counts the key frames of the result, input included',
    )
    .argument('<video>', 'video file (MP4, WebM, GIF, ...)')
    .addOption(
      new Option('--direction <direction>', 'forward or backward')
        .argParser(choiceParser(['forward', 'backward'] as const, 'direction'))
        .default('forward'),
    )
    .addOption(
      new Option(
        '--input-frames <n>',
        "frames read from the start of the input video (default: half the decoder's key frames)",
      ).argParser(integerParser(1, 1024)),
    )
    .option('-p, --prompt <text>', 'what should happen next');
  addGenerationOptions(command).action(
    async (
      videoPath: string,
      flags: GenerationFlags & { prompt?: string; direction: 'forward' | 'backward'; inputFrames?: number },
    ) => {
      await runGeneration(
        context,
        flags,
        async (cascade, jobOptions) => {
          const { video, fps } = await readVideoTensor({
            cwd: context.cwd,
            path: videoPath,
            size: inputSize(cascade),
            maxFrames:
              flags.inputFrames ??
              Math.max(1, Math.floor((cascade.manifest.stages.decoder?.numFrames ?? 2) / 2)),
            signal: context.signal,
          });
          // [1 3 f h w]: the result's key frames include the f read here.
          const given = video.dims[2]!;
          if (flags.frames !== undefined && flags.frames <= given) {
            throw new CliError(
              exitCodes.usage,
              `extrapolate makes --frames key frames in all, the ${given} read from '${videoPath}' included: give --frames above ${given}, or fewer --input-frames.`,
            );
          }
          return cascade.extrapolateVideo({
            ...jobOptions,
            // The input's own rate, inside the range the networks were trained on.
            fps: jobOptions.fps ?? clampToTrainedFps(cascade, fps),
            video,
            direction: flags.direction,
            ...(flags.prompt === undefined ? {} : { prompt: flags.prompt }),
          });
        },
        { inputs: [{ path: videoPath, what: 'video' }], prompt: flags.prompt },
      );
    },
  );
  return command;
}

function clampToTrainedFps(
  cascade: { manifest: { stages: { decoder?: { fps: { min: number; max: number } } } } },
  fps: number,
): number {
  const range = cascade.manifest.stages.decoder?.fps;
  return range === undefined ? fps : Math.min(range.max, Math.max(range.min, fps));
}
