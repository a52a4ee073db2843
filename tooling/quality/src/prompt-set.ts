import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StageName } from '@mav/cascade';
import { QualityError } from './errors.js';
import { type JudgeAttribute, judgeAttributes } from './judge/judge-config.js';

/** One prompt of a set: its text, the attributes it asks for, a seed and an fps. */
export interface PromptItem {
  id: string;
  prompt: string;
  shape: string;
  colour: string;
  size: string;
  background: string;
  /** The (shape, colour) pair only the eval split has: compositional generalisation, reported apart. */
  heldOut: boolean;
  seed: number;
  fps: number;
}

/** A prompt generated at two fps with one seed (keyframes only): does fps conditioning change motion? */
export interface FpsProbeItem {
  id: string;
  prompt: string;
  /** The item whose attributes (and real clip) it shares. */
  of: string;
  seed: number;
}

/**
 * An evaluation prompt set (`prompts/quick.json`, `prompts/full.json`), written by
 * `python3 -m mav_train.judges prompts` from the world's tables (the owner of shapes, colours and the held-out
 * pairs); a Python test keeps the committed files equal to its output.
 */
export interface PromptSet {
  format: 'mav-quality-prompts';
  version: 1;
  name: string;
  /** Sampling steps per stage for this set (the quick set samples with fewer); empty: the model's defaults. */
  steps: Partial<Record<StageName, number>>;
  items: PromptItem[];
  fpsProbe: { fps: [number, number]; items: FpsProbeItem[] };
  /** Items whose real clips ↑F, extrapolation, animation and the SR stages restore (against baselines). */
  restoration: string[];
}

/** The folder of the committed prompt sets. */
export const promptSetFolder = join(dirname(fileURLToPath(import.meta.url)), '..', 'prompts');

/** The truth of an item for one attribute. */
export function itemAttribute(item: PromptItem, attribute: JudgeAttribute): string {
  return item[attribute];
}

/** Reads a prompt set: 'quick' or 'full' (the committed sets), or a path to a JSON file. */
export async function loadPromptSet(nameOrFile: string): Promise<PromptSet> {
  const file =
    nameOrFile === 'quick' || nameOrFile === 'full'
      ? join(promptSetFolder, `${nameOrFile}.json`)
      : nameOrFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new QualityError(
      'invalid-prompt-set',
      `cannot read the prompt set ${file}: ${(cause as Error).message}`,
      {
        file,
        cause,
      },
    );
  }
  return parsePromptSet(text, file);
}

/** Parses and checks a prompt set's JSON; `file` names it in errors. */
export function parsePromptSet(text: string, file = 'prompt set'): PromptSet {
  let value: PromptSet;
  try {
    value = JSON.parse(text) as PromptSet;
  } catch (cause) {
    throw new QualityError('invalid-prompt-set', `${file} is not JSON: ${String(cause)}.`, { file, cause });
  }
  const problems: string[] = [];
  if (value?.format !== 'mav-quality-prompts' || value.version !== 1)
    problems.push("expected format 'mav-quality-prompts' version 1");
  const ids = new Set<string>();
  (Array.isArray(value?.items) ? value.items : []).forEach((item, index) => {
    for (const field of ['id', 'prompt', ...judgeAttributes] as const)
      if (typeof item[field] !== 'string') problems.push(`items[${index}].${field}: expected a string`);
    if (typeof item.heldOut !== 'boolean') problems.push(`items[${index}].heldOut: expected a boolean`);
    if (!Number.isSafeInteger(item.seed) || item.seed < 0)
      problems.push(`items[${index}].seed: expected a non-negative integer`);
    if (!(item.fps > 0)) problems.push(`items[${index}].fps: expected a positive number`);
    if (ids.has(item.id)) problems.push(`items[${index}].id: '${item.id}' appears twice`);
    ids.add(item.id);
  });
  if (!Array.isArray(value?.items) || value.items.length === 0)
    problems.push('items: expected a non-empty list');
  const probe = value?.fpsProbe;
  if (!Array.isArray(probe?.fps) || probe.fps.length !== 2)
    problems.push('fpsProbe.fps: expected two frame rates');
  (Array.isArray(probe?.items) ? probe.items : []).forEach((item, index) => {
    if (!ids.has(item.of)) problems.push(`fpsProbe.items[${index}].of: no item '${item.of}'`);
  });
  (Array.isArray(value?.restoration) ? value.restoration : []).forEach((id, index) => {
    if (!ids.has(id)) problems.push(`restoration[${index}]: no item '${id}'`);
  });
  if (problems.length > 0)
    throw new QualityError('invalid-prompt-set', `${file}: ${problems.join('; ')}.`, { file });
  return { ...value, steps: value.steps ?? {}, restoration: value.restoration ?? [] };
}
