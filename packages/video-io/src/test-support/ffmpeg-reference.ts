/**
 * The independent reference for tests: the system ffprobe/ffmpeg (from FFPROBE_PATH / FFMPEG_PATH or
 * PATH) reading back what this package wrote.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const ffmpeg = () => process.env.FFMPEG_PATH || 'ffmpeg';
const ffprobe = () => process.env.FFPROBE_PATH || 'ffprobe';

/** Stream facts as ffprobe counts them (it decodes every frame: `-count_frames`). */
export interface ProbedStream {
  readonly codecName: string;
  readonly width: number;
  readonly height: number;
  readonly frameRate: string;
  readonly averageFrameRate: string;
  readonly numFrames: number;
  readonly pixelFormat: string | undefined;
  readonly colorSpace: string | undefined;
  readonly duration: number | undefined;
}

/** ffprobe of the first video stream, decoding all frames to count them. */
export async function probe(file: string, inputArgs: readonly string[] = []): Promise<ProbedStream> {
  const { stdout } = await run(
    ffprobe(),
    [
      '-v',
      'error',
      ...inputArgs,
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height,r_frame_rate,avg_frame_rate,nb_read_frames,pix_fmt,color_space,duration',
      '-of',
      'json',
      file,
    ],
    { maxBuffer: 1 << 24 },
  );
  const stream = JSON.parse(stdout).streams[0];
  return {
    codecName: stream.codec_name,
    width: stream.width,
    height: stream.height,
    frameRate: stream.r_frame_rate,
    averageFrameRate: stream.avg_frame_rate,
    numFrames: Number(stream.nb_read_frames),
    pixelFormat: stream.pix_fmt,
    colorSpace: stream.color_space,
    duration: stream.duration === undefined ? undefined : Number(stream.duration),
  };
}

/** Decodes `file` with ffmpeg to raw frames in `pixelFormat` (default rgb24). */
export async function decodeWithFfmpeg(
  file: string,
  options: { readonly pixelFormat?: string; readonly inputArgs?: readonly string[] } = {},
): Promise<Uint8Array> {
  const { stdout } = await run(
    ffmpeg(),
    [
      '-v',
      'error',
      ...(options.inputArgs ?? []),
      '-i',
      file,
      '-f',
      'rawvideo',
      '-pix_fmt',
      options.pixelFormat ?? 'rgb24',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 1 << 28 },
  );
  return new Uint8Array(stdout);
}
