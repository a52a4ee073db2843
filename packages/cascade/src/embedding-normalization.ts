import { Tensor } from '@mav/tensor';
import type { EmbeddingNormalization } from './manifest/manifest-schema.js';

/**
 * Applies the manifest's embedding convention to CLIP embeddings `[b D]`: with `normalize: 'l2'` each row
 * becomes `scale · x/‖x‖` (training passes embeddings between C_x, P and D as √D-long vectors), with
 * `'none'` the rows are only multiplied by `scale`. A zero row stays zero (the ‖x‖ floor is 1e-12, as in
 * training), so the unconditional vector of guidance is unaffected.
 */
export function normalizeEmbeddings(
  embeddings: Tensor<'float32'>,
  convention: EmbeddingNormalization,
): Tensor<'float32'> {
  const [rows, dim] = embeddings.dims as [number, number];
  const output = new Tensor({ dtype: 'float32', dims: [rows, dim] });
  for (let row = 0; row < rows; row++) {
    const values = embeddings.data.subarray(row * dim, (row + 1) * dim);
    let factor = convention.scale;
    if (convention.normalize === 'l2') {
      let squares = 0;
      for (const value of values) squares += value * value;
      factor /= Math.max(Math.sqrt(squares), 1e-12);
    }
    for (let index = 0; index < dim; index++) output.data[row * dim + index] = values[index]! * factor;
  }
  return output;
}
