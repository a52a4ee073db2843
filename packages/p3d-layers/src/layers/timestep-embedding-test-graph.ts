import { encodeGraph } from '../graph/encode-graph.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import { sinusoidalEmbedding } from './timestep-embedding.js';

/** Embedding sizes the test graph computes: the tiny UNets' 8 and a Stable-Diffusion-like 320. */
export const embeddingTestDims = [8, 320] as const;

/** The timesteps the embedding tests feed: 0, 1, …, 999. */
export function embeddingTestTimesteps(): Float32Array {
  return Float32Array.from({ length: 1000 }, (_, index) => index);
}

/**
 * A float32 graph `timestep [1000] -> embedding_<dim> [1000 dim]` for each of `embeddingTestDims` (test
 * helper shared by the Node test and its browser entry, not published).
 */
export function embeddingTestGraph(): Uint8Array {
  const graph = new GraphBuilder({ dtype: 'float32', name: 'sinusoidal-embedding' });
  const timestep = graph.input('timestep', 'float32', [1000]);
  for (const dim of embeddingTestDims) {
    graph.output(sinusoidalEmbedding(graph, timestep, dim), `embedding_${dim}`);
  }
  return encodeGraph(graph, { weights: {} }).modelBytes;
}
