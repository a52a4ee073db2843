import type { Cascade } from '@mav/cascade';
import type { Tensor } from '@mav/tensor';

/** The project's CLIP, as the CLIPSIM analogue uses it. */
export interface ClipEncoder {
  /** The prompt's text embedding `[D]`. */
  encodeText(prompt: string): Promise<Float32Array>;
  /** Image embeddings `[n D]` of frames `[n 3 H W]` in [−1, 1]. */
  encodeImages(frames: Tensor<'float32'>): Promise<Float32Array>;
}

/** The cascade's own text and image encoders (C_x and the image tower), or undefined when it lacks either. */
export function cascadeClipEncoder(cascade: Cascade): ClipEncoder | undefined {
  const { stages } = cascade.manifest;
  if (stages.textEncoder === undefined || stages.imageEncoder === undefined) return undefined;
  const { textEncoder, imageEncoder } = cascade.components;
  const texts = new Map<string, Float32Array>();
  return {
    async encodeText(prompt) {
      const known = texts.get(prompt);
      if (known) return known;
      const { embedding } = await textEncoder.encode([prompt]);
      const vector = embedding.data.slice();
      texts.set(prompt, vector);
      return vector;
    },
    async encodeImages(frames) {
      const embedding = await imageEncoder.encode(frames);
      return embedding.data.slice();
    },
  };
}
