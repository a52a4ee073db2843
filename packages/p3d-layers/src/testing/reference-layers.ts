/**
 * Plain-TypeScript reference implementations of the layers, written as direct loops over the math (no
 * graph, no reshapes-as-tricks), to check the ONNX lowering against. Slow and simple on purpose; use them
 * on small tensors only. Videos are `[b c f h w]`, images `[n c h w]`.
 */

/** A dense row-major array with its shape. */
export interface ReferenceTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** A reference tensor from dims and values. */
export function referenceTensor(dims: readonly number[], data?: ArrayLike<number>): ReferenceTensor {
  const size = dims.reduce((product, dim) => product * dim, 1);
  const values = data ? Float32Array.from(data) : new Float32Array(size);
  if (values.length !== size) throw new RangeError(`data has ${values.length} values, dims need ${size}.`);
  return { dims: [...dims], data: values };
}

/** 2-D convolution with zero padding. `x [n ci h w]`, `weight [co ci k k]`, `bias [co]`. */
export function referenceConv2d(
  x: ReferenceTensor,
  weight: ReferenceTensor,
  bias: ReferenceTensor | undefined,
  options: { stride?: number; padding?: number } = {},
): ReferenceTensor {
  const [n, ci, h, w] = x.dims as [number, number, number, number];
  const [co, , kh, kw] = weight.dims as [number, number, number, number];
  const stride = options.stride ?? 1;
  const padding = options.padding ?? Math.floor(kh / 2);
  const ho = Math.floor((h + 2 * padding - kh) / stride) + 1;
  const wo = Math.floor((w + 2 * padding - kw) / stride) + 1;
  const out = referenceTensor([n, co, ho, wo]);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < co; o++)
      for (let y = 0; y < ho; y++)
        for (let xo = 0; xo < wo; xo++) {
          let sum = bias ? bias.data[o]! : 0;
          for (let i = 0; i < ci; i++)
            for (let ky = 0; ky < kh; ky++) {
              const iy = y * stride + ky - padding;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = xo * stride + kx - padding;
                if (ix < 0 || ix >= w) continue;
                sum +=
                  x.data[((b * ci + i) * h + iy) * w + ix]! *
                  weight.data[((o * ci + i) * kh + ky) * kw + kx]!;
              }
            }
          out.data[((b * co + o) * ho + y) * wo + xo] = sum;
        }
  return out;
}

/** Applies an image function to every frame of a video `[b c f h w]`. */
export function referencePerFrame(
  video: ReferenceTensor,
  apply: (image: ReferenceTensor) => ReferenceTensor,
) {
  const [b, c, f, h, w] = video.dims as [number, number, number, number, number];
  let out: ReferenceTensor | undefined;
  for (let batch = 0; batch < b; batch++)
    for (let frame = 0; frame < f; frame++) {
      const image = referenceTensor([1, c, h, w]);
      for (let channel = 0; channel < c; channel++)
        for (let p = 0; p < h * w; p++)
          image.data[channel * h * w + p] = video.data[((batch * c + channel) * f + frame) * h * w + p]!;
      const result = apply(image);
      const [, co, ho, wo] = result.dims as [number, number, number, number];
      out ??= referenceTensor([b, co, f, ho, wo]);
      for (let channel = 0; channel < co; channel++)
        for (let p = 0; p < ho * wo; p++)
          out.data[((batch * co + channel) * f + frame) * ho * wo + p] = result.data[channel * ho * wo + p]!;
    }
  return out!;
}

/**
 * Temporal convolution of a video `[b c f h w]` along f at every pixel, zero padding ("same"):
 * `out[b, o, t, y, x] = bias[o] + Σ_i Σ_k weight[o, i, k] · in[b, i, t + k − pad, y, x]`.
 */
export function referenceTemporalConv(
  video: ReferenceTensor,
  weight: ReferenceTensor,
  bias: ReferenceTensor,
) {
  const [b, c, f, h, w] = video.dims as [number, number, number, number, number];
  const [co, , k] = weight.dims as [number, number, number];
  const pad = (k - 1) / 2;
  const out = referenceTensor([b, co, f, h, w]);
  for (let batch = 0; batch < b; batch++)
    for (let o = 0; o < co; o++)
      for (let t = 0; t < f; t++)
        for (let p = 0; p < h * w; p++) {
          let sum = bias.data[o]!;
          for (let i = 0; i < c; i++)
            for (let tap = 0; tap < k; tap++) {
              const source = t + tap - pad;
              if (source < 0 || source >= f) continue;
              sum +=
                weight.data[(o * c + i) * k + tap]! * video.data[((batch * c + i) * f + source) * h * w + p]!;
            }
          out.data[((batch * co + o) * f + t) * h * w + p] = sum;
        }
  return out;
}

/**
 * Group normalisation of `[n c ...]`: mean and (biased) variance over each group's channels and trailing
 * axes, then per-channel scale and shift.
 */
export function referenceGroupNorm(
  x: ReferenceTensor,
  weight: ReferenceTensor,
  bias: ReferenceTensor,
  groups: number,
  epsilon = 1e-5,
): ReferenceTensor {
  const [n, c] = x.dims as [number, number];
  const inner = x.data.length / (n * c);
  const perGroup = c / groups;
  const out = referenceTensor(x.dims);
  for (let b = 0; b < n; b++)
    for (let g = 0; g < groups; g++) {
      const start = (b * c + g * perGroup) * inner;
      const count = perGroup * inner;
      let mean = 0;
      for (let i = 0; i < count; i++) mean += x.data[start + i]!;
      mean /= count;
      let variance = 0;
      for (let i = 0; i < count; i++) variance += (x.data[start + i]! - mean) ** 2;
      variance /= count;
      const inverse = 1 / Math.sqrt(variance + epsilon);
      for (let i = 0; i < count; i++) {
        const channel = g * perGroup + Math.floor(i / inner);
        out.data[start + i] =
          (x.data[start + i]! - mean) * inverse * weight.data[channel]! + bias.data[channel]!;
      }
    }
  return out;
}

/** `x · sigmoid(x)` elementwise. */
export function referenceSilu(x: ReferenceTensor): ReferenceTensor {
  return referenceTensor(
    x.dims,
    x.data.map((value) => value / (1 + Math.exp(-value))),
  );
}

/** `y = x · Wᵀ + b` over the last axis; `weight [out in]`. */
export function referenceLinear(
  x: ReferenceTensor,
  weight: ReferenceTensor,
  bias?: ReferenceTensor,
): ReferenceTensor {
  const [outFeatures, inFeatures] = weight.dims as [number, number];
  const rows = x.data.length / inFeatures;
  const out = referenceTensor([...x.dims.slice(0, -1), outFeatures]);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < outFeatures; o++) {
      let sum = bias ? bias.data[o]! : 0;
      for (let i = 0; i < inFeatures; i++)
        sum += x.data[r * inFeatures + i]! * weight.data[o * inFeatures + i]!;
      out.data[r * outFeatures + o] = sum;
    }
  return out;
}

/** The projections of one attention layer. */
export interface ReferenceAttentionWeights {
  toQ: ReferenceTensor;
  toK: ReferenceTensor;
  toV: ReferenceTensor;
  toOut: ReferenceTensor;
  toOutBias: ReferenceTensor;
}

/**
 * Multi-head attention of token sequences `x [s n c]` (s independent sequences) to `context [s m d]`, or
 * to `context [1 m d]` shared by all sequences, or to themselves. Per head:
 * `softmax(q kᵀ / √d_head) v`, then the output projection.
 */
export function referenceAttention(
  x: ReferenceTensor,
  weights: ReferenceAttentionWeights,
  heads: number,
  context: ReferenceTensor = x,
): ReferenceTensor {
  const [s, n, c] = x.dims as [number, number, number];
  const [cs, m] = context.dims as [number, number, number];
  const q = referenceLinear(x, weights.toQ);
  const k = referenceLinear(context, weights.toK);
  const v = referenceLinear(context, weights.toV);
  const headDim = c / heads;
  const merged = referenceTensor([s, n, c]);
  const scores = new Float64Array(m);
  for (let seq = 0; seq < s; seq++) {
    const cseq = cs === 1 ? 0 : seq;
    for (let head = 0; head < heads; head++)
      for (let i = 0; i < n; i++) {
        let max = -Infinity;
        for (let j = 0; j < m; j++) {
          let dot = 0;
          for (let d = 0; d < headDim; d++)
            dot +=
              q.data[(seq * n + i) * c + head * headDim + d]! *
              k.data[(cseq * m + j) * c + head * headDim + d]!;
          scores[j] = dot / Math.sqrt(headDim);
          max = Math.max(max, scores[j]!);
        }
        let total = 0;
        for (let j = 0; j < m; j++) {
          scores[j] = Math.exp(scores[j]! - max);
          total += scores[j]!;
        }
        for (let d = 0; d < headDim; d++) {
          let sum = 0;
          for (let j = 0; j < m; j++)
            sum += (scores[j]! / total) * v.data[(cseq * m + j) * c + head * headDim + d]!;
          merged.data[(seq * n + i) * c + head * headDim + d] = sum;
        }
      }
  }
  return referenceLinear(merged, weights.toOut, weights.toOutBias);
}

/** The sinusoidal embedding `[cos(t·ω), sin(t·ω)]` of each scalar, with the phase rounded to float32. */
export function referenceSinusoidal(values: readonly number[], dim: number): ReferenceTensor {
  const half = dim / 2;
  const out = referenceTensor([values.length, dim]);
  values.forEach((value, row) => {
    for (let i = 0; i < half; i++) {
      const frequency = Math.fround(Math.exp((-Math.log(10000) * i) / half));
      const phase = Math.fround(Math.fround(value) * frequency);
      out.data[row * dim + i] = Math.cos(phase);
      out.data[row * dim + half + i] = Math.sin(phase);
    }
  });
  return out;
}

/** Nearest-neighbour ×`factor` upsampling of `[n c h w]`. */
export function referenceUpsampleNearest(x: ReferenceTensor, factor: number): ReferenceTensor {
  const [n, c, h, w] = x.dims as [number, number, number, number];
  const out = referenceTensor([n, c, h * factor, w * factor]);
  for (let plane = 0; plane < n * c; plane++)
    for (let y = 0; y < h * factor; y++)
      for (let xo = 0; xo < w * factor; xo++)
        out.data[(plane * h * factor + y) * w * factor + xo] =
          x.data[(plane * h + Math.floor(y / factor)) * w + Math.floor(xo / factor)]!;
  return out;
}

/** Elementwise sum of two tensors of the same shape. */
export function referenceAdd(a: ReferenceTensor, b: ReferenceTensor): ReferenceTensor {
  return referenceTensor(
    a.dims,
    a.data.map((value, index) => value + b.data[index]!),
  );
}

/** `[b c f h w]` video -> the tokens of each pixel's frame sequence `[(b h w) f c]`, and back. */
export function referenceVideoToFrameTokens(video: ReferenceTensor): ReferenceTensor {
  const [b, c, f, h, w] = video.dims as [number, number, number, number, number];
  const out = referenceTensor([b * h * w, f, c]);
  for (let batch = 0; batch < b; batch++)
    for (let channel = 0; channel < c; channel++)
      for (let frame = 0; frame < f; frame++)
        for (let p = 0; p < h * w; p++)
          out.data[((batch * h * w + p) * f + frame) * c + channel] =
            video.data[((batch * c + channel) * f + frame) * h * w + p]!;
  return out;
}

/** Inverse of `referenceVideoToFrameTokens`. */
export function referenceFrameTokensToVideo(
  tokens: ReferenceTensor,
  dims: readonly number[],
): ReferenceTensor {
  const [b, c, f, h, w] = dims as [number, number, number, number, number];
  const out = referenceTensor(dims);
  for (let batch = 0; batch < b; batch++)
    for (let channel = 0; channel < c; channel++)
      for (let frame = 0; frame < f; frame++)
        for (let p = 0; p < h * w; p++)
          out.data[((batch * c + channel) * f + frame) * h * w + p] =
            tokens.data[((batch * h * w + p) * f + frame) * c + channel]!;
  return out;
}

/** An image `[n c h w]` as pixel tokens `[n (h w) c]`, and back. */
export function referenceImageToTokens(image: ReferenceTensor): ReferenceTensor {
  const [n, c, h, w] = image.dims as [number, number, number, number];
  const out = referenceTensor([n, h * w, c]);
  for (let b = 0; b < n; b++)
    for (let channel = 0; channel < c; channel++)
      for (let p = 0; p < h * w; p++)
        out.data[(b * h * w + p) * c + channel] = image.data[(b * c + channel) * h * w + p]!;
  return out;
}

/** Inverse of `referenceImageToTokens`. */
export function referenceTokensToImage(tokens: ReferenceTensor, dims: readonly number[]): ReferenceTensor {
  const [n, c, h, w] = dims as [number, number, number, number];
  const out = referenceTensor(dims);
  for (let b = 0; b < n; b++)
    for (let channel = 0; channel < c; channel++)
      for (let p = 0; p < h * w; p++)
        out.data[(b * c + channel) * h * w + p] = tokens.data[(b * h * w + p) * c + channel]!;
  return out;
}

/** Largest absolute elementwise difference (Infinity when the shapes differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let index = 0; index < a.length; index++) {
    const diff = Math.abs(a[index]! - b[index]!);
    if (!(diff <= max)) max = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
  }
  return max;
}

/** Swaps the last two axes of a rank-3 tensor: `[n a b] -> [n b a]`. */
export function referenceSwapLastAxes(x: ReferenceTensor): ReferenceTensor {
  const [n, a, b] = x.dims as [number, number, number];
  const out = referenceTensor([n, b, a]);
  for (let s = 0; s < n; s++)
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++) out.data[(s * b + j) * a + i] = x.data[(s * a + i) * b + j]!;
  return out;
}

/** Slices `[start, start + count)` along the first axis. */
export function referenceSliceFirst(x: ReferenceTensor, start: number, count = 1): ReferenceTensor {
  const inner = x.data.length / x.dims[0]!;
  return referenceTensor(
    [count, ...x.dims.slice(1)],
    x.data.subarray(start * inner, (start + count) * inner),
  );
}
