import type { AttributeAccuracy, StageScores } from '../harness/stage-scores.js';
import { judgeAttributes } from '../judge/judge-config.js';
import type { QualityReport } from './quality-report.js';

const stageTitles: Record<StageScores['stage'], string> = {
  imageDecoder: 'image (D, text-to-image)',
  decoder: 'keyframes (D^t)',
  interpolation: '↑F',
  superResolutionLow: 'SR_l^t',
  superResolutionHigh: 'SR_h',
};

/** The report as Markdown: prompt faithfulness per stage, then the distribution, temporal and motion tables. */
export function reportMarkdown(report: QualityReport): string {
  const lines: string[] = [];
  const model = report.model;
  lines.push(
    `# Quality report: ${report.source === 'real' ? 'real clips of the world' : `model ${model?.name ?? '?'}`}`,
    '',
  );
  lines.push(
    `Prompt set \`${report.promptSet.name}\`: ${report.promptSet.items} videos (${report.promptSet.heldOutItems} with a held-out (shape, colour) pair), fps probe on ${report.promptSet.fpsProbeItems} prompts.`,
  );
  if (model) {
    lines.push(
      `Model id (SHA-256 of manifest.json) \`${model.id.slice(0, 16)}\`; stages: ${model.stages.join(', ')}.`,
    );
    if (model.missing.length > 0)
      lines.push(`Not trained yet (manifest \`missing\`): ${model.missing.join(', ')}.`);
  }
  if (report.source === 'real')
    lines.push('Source: real clips rendered by the world in place of generated videos (the ceiling).');
  const steps = Object.entries(report.steps);
  if (steps.length > 0)
    lines.push(
      `Sampling steps: ${steps.map(([stage, count]) => `${stage} ${count}`).join(', ')} (others: the manifest's).`,
    );
  if (report.notScored.length > 0) lines.push(`Not scored: ${report.notScored.join('; ')}.`);
  lines.push('');

  lines.push('## Prompt faithfulness (judge accuracy per frame)', '');
  lines.push('| stage | size | frames | group | shape | colour | size | background | all four |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const stage of report.stages) {
    const row = (group: string, accuracy: AttributeAccuracy | null) => {
      if (!accuracy) return;
      lines.push(
        `| ${stageTitles[stage.stage]} | ${stage.resolution}² | ${stage.frames} | ${group} | ${[...judgeAttributes, 'allAttributes' as const].map((key) => percent(accuracy[key])).join(' | ')} |`,
      );
    };
    row('all', stage.accuracy.all);
    row('seen pairs', stage.accuracy.seen);
    row('held-out pairs', stage.accuracy.heldOut);
    row('real clips', stage.realAccuracy);
  }
  const chance = report.stages[0]?.chance;
  if (chance)
    lines.push(
      `| chance | | | | ${[...judgeAttributes, 'allAttributes' as const].map((key) => percent(chance[key])).join(' | ')} |`,
    );
  lines.push('');

  lines.push("## Distribution (IS, Fréchet distances on the judge's features, CLIPSIM)", '');
  lines.push(
    '| stage | IS (real; max) | FID-like (real-vs-real floor) | FVD-like (floor) | CLIPSIM (real) |',
  );
  lines.push('|---|---|---|---|---|');
  for (const stage of report.stages) {
    const video = stage.frechet.video;
    lines.push(
      `| ${stageTitles[stage.stage]} | ${fixed(stage.inceptionScore.value, 2)} (${fixed(stage.inceptionScore.real, 2)}; ${stage.inceptionScore.maximum}) | ${fixed(stage.frechet.frame.value, 3)} (${fixed(stage.frechet.frame.floor, 3)}) | ${video ? `${fixed(video.value, 3)} (${fixed(video.floor, 3)})` : '—'} | ${stage.clipSimilarity ? `${fixed(stage.clipSimilarity.value, 3)} (${fixed(stage.clipSimilarity.real, 3)})` : '—'} |`,
    );
  }
  lines.push('');

  const temporal = report.stages.filter((stage) => stage.temporal);
  if (temporal.length > 0) {
    lines.push('## Temporal consistency, flicker and motion (real clips in brackets)', '');
    lines.push(
      '| stage | same shape+colour as frame 0 | flicker (high-pass energy) | moving videos | mean speed (image/s) | speed W1 (floor) |',
    );
    lines.push('|---|---|---|---|---|---|');
    for (const stage of temporal) {
      const t = stage.temporal!;
      lines.push(
        `| ${stageTitles[stage.stage]} | ${percent(t.consistency.value)} (${percent(t.consistency.real)}) | ${sci(t.flicker.value)} (${sci(t.flicker.real)}) | ${percent(t.motion.movingShare)} (${percent(t.motion.realMovingShare)}) | ${fixed(t.motion.meanSpeed, 3)} (${fixed(t.motion.realMeanSpeed, 3)}) | ${fixed(t.motion.speedDistance, 3)} (${fixed(t.motion.speedDistanceFloor, 3)}) |`,
      );
    }
    lines.push('');
  }
  const fps = report.fpsConditioning;
  if (fps) {
    lines.push('## fps conditioning (keyframes, same prompt and seed)', '');
    lines.push(`| | displacement per frame at fps ${fps.fps[0]} | at fps ${fps.fps[1]} | ratio |`);
    lines.push('|---|---|---|---|');
    lines.push(
      `| ${report.source === 'real' ? 'real stand-ins' : 'generated'} | ${fixed(fps.generated.low, 4)} | ${fixed(fps.generated.high, 4)} | ${fixed(fps.generated.ratio, 2)} |`,
    );
    lines.push(
      `| real clips | ${fixed(fps.real.low, 4)} | ${fixed(fps.real.high, 4)} | ${fixed(fps.real.ratio, 2)} |`,
    );
    lines.push('');
  }
  const restoration = report.restoration;
  if (restoration) {
    lines.push(
      `## Restoring real held-out clips (PSNR dB / SSIM; items ${restoration.items.join(', ')})`,
      '',
    );
    lines.push('| check | model | baselines |');
    lines.push('|---|---|---|');
    const cell = (value: { psnr: number; ssim: number }) =>
      `${fixed(value.psnr, 2)} / ${fixed(value.ssim, 3)}`;
    const rows: [
      string,
      ({ model: { psnr: number; ssim: number } } & Record<string, { psnr: number; ssim: number }>) | null,
    ][] = [
      ['↑F: every 5th frame given', restoration.interpolation],
      ['extrapolation: first half given', restoration.extrapolation],
      ['animation: first frame given', restoration.animation],
      ['SR_l^t from area-reduced frames', restoration.superResolutionLow],
      ['SR_h from area-reduced frames', restoration.superResolutionHigh],
    ];
    for (const [title, entry] of rows) {
      if (!entry) continue;
      const baselines = Object.entries(entry)
        .filter(([name]) => name !== 'model')
        .map(([name, value]) => `${name} ${cell(value)}`)
        .join('; ');
      lines.push(`| ${title} | ${cell(entry.model)} | ${baselines} |`);
    }
    lines.push('');
  }
  const ablation = report.ablation;
  if (ablation) {
    lines.push(
      `## Ablation: temporal layers initialised as identity vs random (${ablation.steps} steps, ${ablation.size} size)`,
      '',
    );
    lines.push('| temporal init | loss at step 0 | mean loss | mean loss, last quarter |');
    lines.push('|---|---|---|---|');
    for (const arm of ['identity', 'random'] as const)
      lines.push(
        `| ${arm} | ${fixed(ablation[arm].firstLoss, 4)} | ${fixed(ablation[arm].meanLoss, 4)} | ${fixed(ablation[arm].lastQuarterLoss, 4)} |`,
      );
    lines.push('', `Random / identity, last quarter: ${fixed(ablation.ratio, 3)}.`, '');
  }
  lines.push('## Items (the label predicted on most frames at the last stage)', '');
  lines.push('| row | id | prompt | fps | held out | predicted | all four right |');
  lines.push('|---|---|---|---|---|---|---|');
  report.items.forEach((item, index) => {
    const last = item.stages.at(-1);
    const predicted = last ? judgeAttributes.map((attribute) => last.predicted[attribute]).join(' ') : '—';
    lines.push(
      `| ${index + 1} | ${item.id} | ${item.prompt} | ${item.fps} | ${item.heldOut ? 'yes' : ''} | ${predicted} | ${last ? percent(last.accuracy.allAttributes) : '—'} |`,
    );
  });
  lines.push('');
  if (report.judge.evaluation) {
    lines.push('## The judge', '');
    lines.push(
      `Attribute classifier, ${report.judge.parameters ?? '?'} parameters; accuracy on ${report.judge.evaluation.evalCount} eval-split stills:`,
      '',
    );
    lines.push('| rendered at | shape | colour | size | background |');
    lines.push('|---|---|---|---|---|');
    for (const [size, accuracy] of Object.entries(report.judge.evaluation.accuracy))
      lines.push(
        `| ${size}² | ${judgeAttributes.map((attribute) => percent(accuracy[attribute])).join(' | ')} |`,
      );
    lines.push('');
  }
  lines.push(
    '`sheet.png`: one row per item (rows as in the items table), for each stage 8 evenly spaced frames.',
    '',
  );
  return lines.join('\n');
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

function sci(value: number): string {
  return value.toExponential(2);
}
