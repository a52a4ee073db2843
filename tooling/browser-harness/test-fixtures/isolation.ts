/** Reports whether the page is cross-origin isolated, and whether SharedArrayBuffer can be shared. */
export default async function isolation() {
  let sharedWithWorker = false;
  if (typeof SharedArrayBuffer === 'function') {
    const shared = new Int32Array(new SharedArrayBuffer(4));
    const workerSource = 'onmessage = (event) => { Atomics.store(event.data, 0, 42); postMessage("done"); };';
    const worker = new Worker(URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' })));
    await new Promise((resolve) => {
      worker.onmessage = resolve;
      worker.postMessage(shared);
    });
    worker.terminate();
    sharedWithWorker = Atomics.load(shared, 0) === 42;
  }
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated,
    sharedArrayBufferType: typeof SharedArrayBuffer,
    sharedWithWorker,
  };
}
