import { buildTransformer, type TransformerNetwork } from '@mav/p3d-layers';
import type { Tensor } from '@mav/tensor';
import { normalizeEmbeddings } from '../embedding-normalization.js';
import { type StageContext, type StageRunOptions, stageWeights } from './stage-context.js';

/** Options of `runEncoder`. */
export interface EncoderRunOptions {
  stage: 'textEncoder' | 'imageEncoder';
  network: TransformerNetwork;
  batch: number;
  /** The graph's input name and tensor (disposed after the run). */
  input: { name: string; tensor: Tensor };
  /** The output holding the embedding `[b D]`; normalised as the manifest's `embeddings` says. */
  embeddingOutput: string;
  /** Other outputs to fetch to the host, as they are. */
  otherOutputs?: readonly string[];
  run: StageRunOptions;
}

/**
 * One run of a CLIP encoder (a batch of prompts or images in one session run): the normalised embedding and
 * any other outputs on the host, reported through `onTensor`, and one progress event.
 */
export async function runEncoder(
  context: StageContext,
  options: EncoderRunOptions,
): Promise<{ embedding: Tensor<'float32'>; others: Record<string, Tensor<'float32'>> }> {
  const { stage, run } = options;
  const started = performance.now();
  const weights = stageWeights(context, stage);
  const outputs = await context.runtime.withSession(
    stage,
    `${options.batch}`,
    () => buildTransformer({ network: options.network, weights, batch: options.batch }),
    (session) =>
      session.run({ [options.input.name]: options.input.tensor }, run.signal ? { signal: run.signal } : {}),
  );
  options.input.tensor.dispose();
  const raw = (await outputs[options.embeddingOutput]!.toHost()) as Tensor<'float32'>;
  const embedding = normalizeEmbeddings(raw, context.manifest.embeddings);
  raw.dispose();
  run.onTensor?.({ stage, name: 'embedding', tensor: embedding });
  const others: Record<string, Tensor<'float32'>> = {};
  for (const name of options.otherOutputs ?? [])
    others[name] = (await outputs[name]!.toHost()) as Tensor<'float32'>;
  run.onProgress?.({ stage, step: 1, totalSteps: 1, elapsedMs: performance.now() - started });
  return { embedding, others };
}
