import { RandomStream, type Session, Tensor } from '@mav/tensor';

/** One float32 input of the decoder graph: its name, shape and the seed of its standard normal values. */
export interface DecoderFeedSpec {
  name: string;
  dims: number[];
  seed: number;
  /** Every value set to this instead (timesteps, fps). */
  fill?: number;
}

/** The feeds of `specs`, the same in Node and in the browser. */
export function decoderFeeds(specs: readonly DecoderFeedSpec[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const spec of specs) {
    const size = spec.dims.reduce((product, dim) => product * dim, 1);
    const data =
      spec.fill === undefined
        ? new RandomStream({ seed: spec.seed }).normal(size)
        : new Float32Array(size).fill(spec.fill);
    feeds[spec.name] = new Tensor({ dtype: 'float32', dims: spec.dims, data });
  }
  return feeds;
}

/** One warm-up run, then `runs` timed runs of `session`; the seconds of each and the last output. */
export async function timeRuns(
  session: Session,
  feeds: Record<string, Tensor>,
  runs: number,
): Promise<{ seconds: number[]; output: Float32Array }> {
  const outputName = session.outputNames[0]!;
  const first = await session.run(feeds);
  let output = first[outputName]!.data as Float32Array;
  const seconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const result = await session.run(feeds);
    seconds.push((performance.now() - started) / 1000);
    output = result[outputName]!.data as Float32Array;
  }
  return { seconds, output };
}
