/**
 * A running job's share done and time left, from the cascade's progress events. Each stage the job will
 * run is weighted by its work (FLOPs per step × steps, from `cascade.describe()`); the share done is the
 * weight of the stages behind plus the current stage's steps, and the time left is the time so far scaled
 * by the share still to do.
 */
import type { StageName, StageProgress } from '@mav/cascade';
import type { JobMode } from '../api/job-request.js';
import type { JobProgress } from '../api/job-view.js';

/** The video stages after the keyframes, in cascade order. */
const tailStages: readonly StageName[] = ['interpolation', 'superResolutionLow', 'superResolutionHigh'];

/**
 * The stages a job of `mode` runs, in order (a stage may appear twice: the image modes make their keyframes
 * with the interpolation network, then interpolate them). `tail` holds the video stages the run reaches.
 */
export function plannedStages(options: {
  readonly mode: JobMode;
  readonly tail: readonly StageName[];
  readonly count?: number;
  readonly fromImage?: boolean;
}): StageName[] {
  const tail = tailStages.filter((stage) => options.tail.includes(stage));
  switch (options.mode) {
    case 'text':
      return ['textEncoder', 'prior', 'decoder', ...tail];
    case 'variations': {
      const head: StageName[] = options.fromImage
        ? ['textEncoder', 'imageEncoder']
        : ['textEncoder', 'prior'];
      const one: StageName[] = ['decoder', ...tail];
      return [...head, ...Array.from({ length: options.count ?? 1 }, () => one).flat()];
    }
    default:
      return ['imageEncoder', 'textEncoder', 'interpolation', ...tail];
  }
}

/** Follows one job's progress events. */
export class ProgressEstimate {
  readonly #plan: readonly StageName[];
  readonly #weights: readonly number[];
  readonly #total: number;
  readonly #started: number;
  readonly #now: () => number;
  #position = -1;

  /**
   * @param options.plan the stages in order ({@link plannedStages});
   * @param options.weights the work of one run of each stage (missing: the smallest known weight).
   */
  constructor(options: {
    readonly plan: readonly StageName[];
    readonly weights: Partial<Record<StageName, number>>;
    readonly now?: () => number;
  }) {
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    this.#plan = options.plan;
    const known = Object.values(options.weights).filter((weight) => weight !== undefined && weight > 0);
    const smallest = known.length > 0 ? Math.min(...known) : 1;
    this.#weights = options.plan.map((stage) => {
      const weight = options.weights[stage];
      return weight !== undefined && weight > 0 ? weight : smallest;
    });
    this.#total = this.#weights.reduce((sum, weight) => sum + weight, 0);
  }

  /** The job's progress after `event`. */
  update(event: StageProgress): JobProgress {
    // Move on to the next planned run of this stage (a stage that starts again is its next run).
    const current = this.#plan[this.#position];
    if (current !== event.stage || event.step === 1) {
      const from = Math.max(0, this.#position + (current === event.stage ? 1 : 0));
      const next = this.#plan.indexOf(event.stage, from);
      if (next >= 0) this.#position = next;
    }
    const behind = this.#weights
      .slice(0, Math.max(0, this.#position))
      .reduce((sum, weight) => sum + weight, 0);
    const within = (this.#weights[this.#position] ?? 0) * (event.step / Math.max(1, event.totalSteps));
    const fraction = Math.min(1, Math.max(0, (behind + within) / this.#total));
    const elapsedSeconds = (this.#now() - this.#started) / 1000;
    return {
      stage: event.stage,
      step: event.step,
      totalSteps: event.totalSteps,
      fraction,
      etaSeconds: fraction > 0 ? (elapsedSeconds * (1 - fraction)) / fraction : null,
    };
  }
}
