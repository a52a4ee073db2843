/**
 * A running job's share done and time left, from the cascade's progress events. Each stage the job will
 * run is weighted by its work (FLOPs per step × steps, from `cascade.describe()`); the share done is the
 * weight of the stages behind plus the current stage's steps, and the time left is the time so far scaled
 * by the share still to do.
 */
import type { StageName, StageProgress } from '@mav/cascade';
import type { JobMode } from '../api/job-request.js';
import type { JobProgress } from '../api/job-view.js';

/**
 * The stages a job runs, in order, from the cascade's own plan of one run (`planRun(...).stages`; the
 * image modes list the interpolation network twice: it makes their keyframes, then interpolates them).
 * Variations run the encoders once and everything from the decoder on `count` times.
 */
export function plannedStages(options: {
  readonly mode: JobMode;
  readonly planStages: readonly StageName[];
  readonly count?: number;
}): StageName[] {
  const { planStages } = options;
  const repeatFrom = planStages.indexOf('decoder');
  if (options.mode !== 'variations' || repeatFrom < 0) return [...planStages];
  const each = planStages.slice(repeatFrom);
  return [
    ...planStages.slice(0, repeatFrom),
    ...Array.from({ length: options.count ?? 1 }, () => each).flat(),
  ];
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
