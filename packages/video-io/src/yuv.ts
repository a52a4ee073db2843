/**
 * RGB → YCbCr conversion done once in our code, so that every encoder (ffmpeg, the wasm H.264 encoder,
 * WebCodecs, Y4M) receives the same planes and colours match across paths.
 *
 * Matrix: ITU-R BT.601, limited ("TV") range — the default that decoders assume for untagged SD video,
 * and the one written into our files' colour tags (`smpte170m`, range `tv`):
 *   Y  = 16  + ( 65.481 R + 128.553 G +  24.966 B) / 255
 *   Cb = 128 + (-37.797 R -  74.203 G + 112.0   B) / 255
 *   Cr = 128 + (112.0   R -  93.786 G -  18.214 B) / 255
 * Chroma for 4:2:0 is the mean of each 2×2 block (chroma sited at the block centre, as in JPEG / "420jpeg").
 */
import type { RgbImage } from './video-frames.js';

/** Planar YCbCr image: Y (`width × height`) then Cb then Cr (`chromaWidth × chromaHeight` each), one buffer. */
export interface YuvPlanes {
  readonly width: number;
  readonly height: number;
  readonly chromaWidth: number;
  readonly chromaHeight: number;
  /** Y, U (Cb), V (Cr) planes back to back. */
  readonly data: Uint8Array;
}

const clampByte = (value: number): number => (value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value));

function lumaOf(r: number, g: number, b: number): number {
  return 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
}
function cbOf(r: number, g: number, b: number): number {
  return 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255;
}
function crOf(r: number, g: number, b: number): number {
  return 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255;
}

/**
 * Converts one RGB image to I420 (planar 4:2:0, BT.601 limited range). Odd sizes are allowed: chroma planes
 * are `ceil(w/2) × ceil(h/2)` and the last row/column of blocks averages the pixels that exist. Codecs
 * that need even sizes (H.264, VP9) get frames padded first, see `padFramesToEven`.
 * Pass `output` (length `yuvFrameBytes(...)`) to avoid an allocation per frame.
 */
export function rgbToI420(image: RgbImage, output?: Uint8Array): YuvPlanes {
  const { width, height, data } = image;
  const chromaWidth = Math.ceil(width / 2);
  const chromaHeight = Math.ceil(height / 2);
  const size = width * height + 2 * chromaWidth * chromaHeight;
  const out = output ?? new Uint8Array(size);
  if (out.length < size) {
    throw new RangeError(`output must hold ${size} bytes for ${width}x${height} I420, got ${out.length}.`);
  }
  for (let index = 0, pixel = 0; index < width * height; index++, pixel += 3) {
    out[index] = clampByte(lumaOf(data[pixel]!, data[pixel + 1]!, data[pixel + 2]!));
  }
  const uOffset = width * height;
  const vOffset = uOffset + chromaWidth * chromaHeight;
  for (let cy = 0; cy < chromaHeight; cy++) {
    for (let cx = 0; cx < chromaWidth; cx++) {
      let cb = 0;
      let cr = 0;
      let count = 0;
      for (let dy = 0; dy < 2; dy++) {
        const y = 2 * cy + dy;
        if (y >= height) continue;
        for (let dx = 0; dx < 2; dx++) {
          const x = 2 * cx + dx;
          if (x >= width) continue;
          const pixel = (y * width + x) * 3;
          const r = data[pixel]!;
          const g = data[pixel + 1]!;
          const b = data[pixel + 2]!;
          cb += cbOf(r, g, b);
          cr += crOf(r, g, b);
          count++;
        }
      }
      out[uOffset + cy * chromaWidth + cx] = clampByte(cb / count);
      out[vOffset + cy * chromaWidth + cx] = clampByte(cr / count);
    }
  }
  return { width, height, chromaWidth, chromaHeight, data: out.subarray(0, size) };
}

/** Converts one RGB image to planar 4:4:4 YCbCr (BT.601 limited range): no chroma subsampling. */
export function rgbToYuv444(image: RgbImage, output?: Uint8Array): YuvPlanes {
  const { width, height, data } = image;
  const plane = width * height;
  const out = output ?? new Uint8Array(plane * 3);
  for (let index = 0, pixel = 0; index < plane; index++, pixel += 3) {
    const r = data[pixel]!;
    const g = data[pixel + 1]!;
    const b = data[pixel + 2]!;
    out[index] = clampByte(lumaOf(r, g, b));
    out[plane + index] = clampByte(cbOf(r, g, b));
    out[2 * plane + index] = clampByte(crOf(r, g, b));
  }
  return { width, height, chromaWidth: width, chromaHeight: height, data: out.subarray(0, plane * 3) };
}

/** Bytes of one I420 frame of `width × height` (odd sizes round the chroma planes up). */
export function i420FrameBytes(width: number, height: number): number {
  return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
}
