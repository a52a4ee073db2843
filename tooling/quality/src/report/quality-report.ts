import type { StageName } from '@mav/cascade';
import type { AblationScores } from '../harness/ablation-logs.js';
import type { ModelSummary, QualitySource } from '../harness/quality-plan.js';
import type { RestorationScores } from '../harness/restoration.js';
import type { QualityScores } from '../harness/score-run.js';
import type { JudgeDescription } from '../judge/judge-config.js';

/** The report a run writes as `report.json` (and renders as `report.md`). */
export interface QualityReport extends QualityScores {
  format: 'mav-quality-report';
  version: 1;
  source: QualitySource;
  promptSet: { name: string; items: number; heldOutItems: number; fpsProbeItems: number };
  model: ModelSummary | null;
  /** Sampling steps passed to the cascade (stages not listed: the manifest's defaults). */
  steps: Partial<Record<StageName, number>>;
  judge: { parameters: number | null; evaluation: JudgeDescription['evaluation'] | null };
  /** Stages the report has no rows for: not in the model, or listed as not trained yet. */
  notScored: string[];
  /** ↑F, extrapolation, animation, SR_l^t and SR_h on real held-out clips against their baselines. */
  restoration: RestorationScores | null;
  /** Identity vs random temporal initialisation of D^t, from two training logs (`--ablation`). */
  ablation: AblationScores | null;
}

/**
 * Rounds every number in a value to `digits` decimals (report files stay readable and stable; the
 * computations themselves are deterministic).
 */
export function roundNumbers<T>(value: T, digits = 4): T {
  const factor = 10 ** digits;
  const visit = (entry: unknown): unknown => {
    if (typeof entry === 'number')
      return Number.isFinite(entry) ? Math.round(entry * factor) / factor : entry;
    if (Array.isArray(entry)) return entry.map(visit);
    if (entry && typeof entry === 'object')
      return Object.fromEntries(Object.entries(entry).map(([key, inner]) => [key, visit(inner)]));
    return entry;
  };
  return visit(value) as T;
}
