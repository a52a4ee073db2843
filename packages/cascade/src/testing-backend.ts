import type { Backend, Session, Tensor } from '@mav/tensor';

/** A recorded model run: the stage label and the feeds (host copies of the float32 data). */
export interface RecordedRun {
  label: string;
  feeds: Record<string, { dims: readonly number[]; data: Float32Array | undefined }>;
}

/** Wraps a backend so that tests can see every session run, by stage label (test helper, not published). */
export function recordingBackend(inner: Backend): {
  backend: Backend;
  runs: RecordedRun[];
  created: string[];
  released: string[];
} {
  const runs: RecordedRun[] = [];
  const created: string[] = [];
  const released: string[] = [];
  const backend: Backend = {
    specificationVersion: inner.specificationVersion,
    name: inner.name,
    capabilities: inner.capabilities,
    init: () => inner.init(),
    async createSession(model, options) {
      const session = await inner.createSession(model, options);
      const label = options?.label ?? '';
      created.push(label);
      const wrapped: Session = {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        inputMetadata: session.inputMetadata,
        outputMetadata: session.outputMetadata,
        async run(feeds, runOptions) {
          const copy: RecordedRun['feeds'] = {};
          for (const [name, tensor] of Object.entries(feeds) as [string, Tensor][]) {
            copy[name] = {
              dims: tensor.dims,
              data:
                tensor.dtype === 'float32' && tensor.location === 'cpu'
                  ? (tensor.data as Float32Array).slice()
                  : undefined,
            };
          }
          runs.push({ label, feeds: copy });
          return session.run(feeds, runOptions);
        },
        async release() {
          released.push(label);
          await session.release();
        },
      };
      return wrapped;
    },
  };
  return { backend, runs, created, released };
}
