import { spawnSync } from 'node:child_process';

/** What ffprobe reads from a video file: decoded frame count, size and codec. */
export interface Probe {
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly codec: string;
}

/** Decodes every frame of `path` with the system ffprobe. */
export function probeVideo(path: string): Probe {
  const result = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=nb_read_frames,width,height,codec_name',
      '-of',
      'json',
      path,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffprobe failed on ${path}: ${result.stderr}`);
  const stream = JSON.parse(result.stdout).streams[0];
  return {
    frames: Number(stream.nb_read_frames),
    width: Number(stream.width),
    height: Number(stream.height),
    codec: String(stream.codec_name),
  };
}
