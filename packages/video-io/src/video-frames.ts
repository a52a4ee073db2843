/**
 * The frame container every reader returns and every writer takes: `numFrames` RGB images of
 * `width × height`, stored frame after frame as packed 8-bit RGB (`[f h w 3]`), plus a frame rate.
 */

/** One packed RGB image (`[h w 3]`, 8 bits per channel, rows top to bottom). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** What `new VideoFrames(...)` takes. */
export interface VideoFramesOptions {
  /** Frame width in pixels (a positive integer). */
  readonly width: number;
  /** Frame height in pixels (a positive integer). */
  readonly height: number;
  /** Frames per second (finite, > 0). Need not be an integer: 30000/1001 is fine. */
  readonly fps: number;
  /** Packed RGB, `[f h w 3]`: its length must be a multiple of `width * height * 3`. */
  readonly data: Uint8Array;
}

function checkPositiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be a number, got ${typeof value}.`);
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

/** Checks a frame rate: a finite number > 0. Returns it. */
export function checkFps(fps: unknown, name = 'fps'): number {
  if (typeof fps !== 'number') {
    throw new TypeError(`${name} must be a number, got ${typeof fps}.`);
  }
  if (!Number.isFinite(fps) || fps <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${fps}.`);
  }
  return fps;
}

/**
 * A clip of RGB frames with a frame rate. Immutable by convention: writers never modify `data`.
 * Build one from model output with `framesFromModelOutput`, from images with `VideoFrames.fromImages`,
 * or read one from a file with `readImage` / `readVideo`.
 */
export class VideoFrames {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly numFrames: number;
  readonly data: Uint8Array;

  constructor(options: VideoFramesOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('VideoFrames options must be an object.');
    }
    this.width = checkPositiveInteger(options.width, 'width');
    this.height = checkPositiveInteger(options.height, 'height');
    this.fps = checkFps(options.fps);
    if (!(options.data instanceof Uint8Array)) {
      throw new TypeError('data must be a Uint8Array of packed RGB ([f h w 3]).');
    }
    const frameBytes = this.width * this.height * 3;
    if (options.data.length % frameBytes !== 0) {
      throw new RangeError(
        `data length ${options.data.length} is not a multiple of width*height*3 = ${frameBytes} (${this.width}x${this.height} RGB).`,
      );
    }
    this.data = options.data;
    this.numFrames = options.data.length / frameBytes;
  }

  /** Bytes in one frame: `width * height * 3`. */
  get frameBytes(): number {
    return this.width * this.height * 3;
  }

  /** Duration in seconds (`numFrames / fps`). */
  get duration(): number {
    return this.numFrames / this.fps;
  }

  /** Frame `index` as an `RgbImage` view (no copy). */
  frame(index: number): RgbImage {
    if (!Number.isInteger(index) || index < 0 || index >= this.numFrames) {
      throw new RangeError(`frame index must be an integer in [0, ${this.numFrames}), got ${index}.`);
    }
    const start = index * this.frameBytes;
    return {
      width: this.width,
      height: this.height,
      data: this.data.subarray(start, start + this.frameBytes),
    };
  }

  /** The same frames with another frame rate (no copy). */
  withFps(fps: number): VideoFrames {
    return new VideoFrames({ width: this.width, height: this.height, fps, data: this.data });
  }

  /** Frames `[start, end)` as a new clip (no copy). */
  slice(start: number, end = this.numFrames): VideoFrames {
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end > this.numFrames ||
      start > end
    ) {
      throw new RangeError(
        `slice range must satisfy 0 <= start <= end <= ${this.numFrames}, got [${start}, ${end}).`,
      );
    }
    return new VideoFrames({
      width: this.width,
      height: this.height,
      fps: this.fps,
      data: this.data.subarray(start * this.frameBytes, end * this.frameBytes),
    });
  }

  /** Stacks images of one size into a clip (copies). */
  static fromImages(options: { readonly images: readonly RgbImage[]; readonly fps: number }): VideoFrames {
    const { images, fps } = options;
    const first = images[0];
    if (first === undefined) {
      throw new RangeError('images must hold at least one image.');
    }
    const frameBytes = first.width * first.height * 3;
    const data = new Uint8Array(frameBytes * images.length);
    images.forEach((image, index) => {
      if (image.width !== first.width || image.height !== first.height || image.data.length !== frameBytes) {
        throw new RangeError(
          `images[${index}] is ${image.width}x${image.height} (${image.data.length} bytes); expected ${first.width}x${first.height} RGB like images[0].`,
        );
      }
      data.set(image.data, index * frameBytes);
    });
    return new VideoFrames({ width: first.width, height: first.height, fps, data });
  }
}
