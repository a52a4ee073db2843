import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QualityError } from '../errors.js';

/** One arm of the temporal-initialisation ablation, from its training log. */
export interface AblationArm {
  /** Loss logged at step 0. */
  firstLoss: number;
  /** Mean of the losses logged in the last quarter of the steps (single logged steps are noisy). */
  lastQuarterLoss: number;
  /** Mean of every logged loss: the area under the curve, how fast it fell. */
  meanLoss: number;
}

/** The paper's ablation: D^t with identity vs random temporal layers after the same steps. */
export interface AblationScores {
  steps: number;
  size: string;
  identity: AblationArm;
  random: AblationArm;
  /** random / identity of the last-quarter loss (> 1: the identity start is ahead). */
  ratio: number;
}

/**
 * Reads an ablation folder written by `python3 -m mav_train.judges ablation` (`ablation.json` and each arm's
 * `log.jsonl` of `{step, loss, seconds}` lines) and summarises both arms over the same steps.
 */
export async function readAblation(folder: string): Promise<AblationScores> {
  const file = join(folder, 'ablation.json');
  const text = await readFile(file, 'utf8').catch((cause: Error) => {
    throw new QualityError('invalid-ablation', `cannot read ${file}: ${cause.message}`, { file, cause });
  });
  const summary = JSON.parse(text) as {
    format?: string;
    steps: number;
    size: string;
    arms: Record<string, { log: string }>;
  };
  if (summary.format !== 'mav-ablation' || !summary.arms?.identity || !summary.arms?.random) {
    throw new QualityError(
      'invalid-ablation',
      `${file}: expected format 'mav-ablation' with arms identity and random.`,
      { file },
    );
  }
  const arm = async (name: 'identity' | 'random'): Promise<AblationArm> => {
    const log = join(folder, summary.arms[name]!.log);
    const entries = (await readFile(log, 'utf8'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { step: number; loss: number })
      .filter((entry) => entry.step < summary.steps);
    if (entries.length === 0)
      throw new QualityError('invalid-ablation', `${log} has no logged steps.`, { file: log });
    const late = entries.filter((entry) => entry.step >= 0.75 * (summary.steps - 1));
    const mean = (values: { loss: number }[]) =>
      values.reduce((sum, entry) => sum + entry.loss, 0) / values.length;
    return {
      firstLoss: entries.find((entry) => entry.step === 0)?.loss ?? entries[0]!.loss,
      lastQuarterLoss: mean(late.length > 0 ? late : entries.slice(-1)),
      meanLoss: mean(entries),
    };
  };
  const identity = await arm('identity');
  const random = await arm('random');
  return {
    steps: summary.steps,
    size: summary.size,
    identity,
    random,
    ratio: random.lastQuarterLoss / identity.lastQuarterLoss,
  };
}
