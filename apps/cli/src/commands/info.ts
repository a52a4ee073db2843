import { Command, Option } from 'commander';
import type { StageDescription } from '../cascade-types.js';
import type { CliContext } from '../cli-context.js';
import { addModelOptions, type GenerationFlags } from '../generation-options.js';
import { estimateJobMemory } from '../memory-plan.js';
import { integerParser, parseSize } from '../parse-options.js';
import { formatSize, stageSize, stopAfterForSize } from '../resolution.js';
import { withCascade } from '../run-job.js';

/** `1.23M`, `456k`, `12` */
export function formatCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}

/** `12.3 MiB` */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Lays out rows as left-aligned columns. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function stageRow(stage: StageDescription): string[] {
  return [
    stage.name,
    formatCount(stage.parameterCount),
    formatCount(stage.flopsPerStep),
    formatSize(stageSize(stage.resolution)),
    stage.frames > 0 ? String(stage.frames) : '-',
    formatBytes(stage.estimatedBytes),
  ];
}

/** `mav info [manifest]`: the stages of a model, their sizes and the memory a run needs. */
export function infoCommand(context: CliContext): Command {
  const command = new Command('info')
    .description(
      'show a model: its stages, parameters, FLOPs per step, resolution, frames and expected memory',
    )
    .argument('[manifest]', 'model directory or manifest file (default: the embedded model)')
    .addOption(new Option('--json', 'print JSON instead of a table'))
    .addOption(
      new Option('--frames <n>', 'key frames of the run to estimate memory for').argParser(
        integerParser(1, 1024),
      ),
    )
    .addOption(
      new Option('--size <n|WxH>', 'output size of the run to estimate memory for').argParser(parseSize),
    );
  addModelOptions(command).action(
    async (manifest: string | undefined, flags: GenerationFlags & { json?: boolean }) => {
      const modelFlags = {
        ...flags,
        ...(manifest === undefined ? {} : { model: manifest }),
        quiet: true,
      };
      await withCascade(context, modelFlags, async ({ cascade }) => {
        const description = cascade.describe();
        const stopAfter =
          flags.size === undefined ? undefined : stopAfterForSize(description.stages, flags.size);
        const job = estimateJobMemory(cascade, { numFrames: flags.frames, stopAfter, size: flags.size });
        if (flags.json) {
          context.stdout.write(`${JSON.stringify({ ...description, job }, null, 2)}\n`);
          return;
        }
        const rows = [
          ['stage', 'parameters', 'FLOPs/step', 'resolution', 'frames', 'memory'],
          ...description.stages.map(stageRow),
        ];
        const totalParameters = description.stages.reduce((sum, stage) => sum + stage.parameterCount, 0);
        const { stages, missing } = cascade.manifest;
        const lines = [
          formatTable(rows),
          '',
          `parameters: ${formatCount(totalParameters)} in all`,
          `expected peak memory: ${formatBytes(description.estimatedPeakBytes)} for the cascade; ${formatBytes(job.peakBytes)} for the whole run at ${job.width}x${job.height}, ${job.frames} frames (the largest part: ${job.stage})`,
        ];
        if (stages.imageDecoder !== undefined)
          lines.push(
            `text-to-image (mav image): imageDecoder at ${stages.imageDecoder.resolution}x${stages.imageDecoder.resolution}`,
          );
        if (missing !== undefined && missing.length > 0) lines.push(`not trained yet: ${missing.join(', ')}`);
        const vocabulary = cascade.components.textEncoder.tokenizer.vocabulary();
        lines.push(`vocabulary (${vocabulary.length} words): ${vocabulary.join(' ')}`);
        context.stdout.write(`${lines.join('\n')}\n`);
      });
    },
  );
  return command;
}
