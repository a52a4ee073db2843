/**
 * The page: prompt, mode and backend pickers, per-stage progress, and the finished video with its
 * downloads. Generation runs in a Web Worker (`generation-worker.ts`), so the page stays responsive.
 */
import { pageOptionsFrom } from './page-options.js';
import type { FromWorker, GenerationMode, GenerationRequest, ToWorker, WebBackendName } from './protocol.js';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} is missing from the page.`);
  return found as T;
}

const form = element<HTMLFormElement>('form');
const promptInput = element<HTMLTextAreaElement>('prompt');
const backendSelect = element<HTMLSelectElement>('backend');
const backendNote = element<HTMLParagraphElement>('backend-note');
const seedInput = element<HTMLInputElement>('seed');
const stepsInput = element<HTMLInputElement>('steps');
const generateButton = element<HTMLButtonElement>('generate');
const cancelButton = element<HTMLButtonElement>('cancel');
const imagesBox = element<HTMLDivElement>('images');
const firstImageInput = element<HTMLInputElement>('first-image');
const lastImageLabel = element<HTMLLabelElement>('last-image-label');
const lastImageInput = element<HTMLInputElement>('last-image');
const statusLine = element<HTMLParagraphElement>('status');
const noticeLine = element<HTMLParagraphElement>('notice');
const progressList = element<HTMLUListElement>('progress');
const resultSection = element<HTMLElement>('result');
const resultVideo = element<HTMLVideoElement>('result-video');
const resultImage = element<HTMLImageElement>('result-image');
const resultInfo = element<HTMLParagraphElement>('result-info');
const downloadVideo = element<HTMLAnchorElement>('download-video');
const downloadGif = element<HTMLAnchorElement>('download-gif');

const options = pageOptionsFrom(location.search);
if (options.steps !== undefined) stepsInput.value = String(options.steps);

let worker: Worker | undefined;
let busy = false;
const objectUrls: string[] = [];

function selectedMode(): GenerationMode {
  const checked = form.querySelector<HTMLInputElement>('input[name="mode"]:checked');
  return (checked?.value as GenerationMode | undefined) ?? 'text';
}

function showMode(): void {
  const mode = selectedMode();
  imagesBox.hidden = mode === 'text' || mode === 'image';
  lastImageLabel.hidden = mode !== 'interpolate';
}

function setStatus(text: string): void {
  statusLine.textContent = text;
}

function setBusy(value: boolean): void {
  busy = value;
  generateButton.disabled = value;
  cancelButton.disabled = !value;
  document.body.dataset.state = value ? 'running' : 'idle';
}

/** WebGPU when the browser gives an adapter, else WASM (and WebGPU greyed out with the reason). */
async function pickBackend(): Promise<void> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  const webgpuOption = backendSelect.querySelector<HTMLOptionElement>('option[value="webgpu"]')!;
  if (adapter) {
    backendSelect.value = 'webgpu';
    backendNote.textContent = 'WebGPU is available.';
  } else {
    webgpuOption.disabled = true;
    backendSelect.value = 'wasm';
    backendNote.textContent = gpu
      ? 'WebGPU: no adapter here (Chromium: --enable-unsafe-webgpu); using WASM.'
      : 'This browser has no WebGPU; using WASM.';
  }
  if (options.backend !== undefined && !(options.backend === 'webgpu' && !adapter)) {
    backendSelect.value = options.backend;
  }
}

function progressRow(stage: string): HTMLLIElement {
  let row = progressList.querySelector<HTMLLIElement>(`li[data-stage="${stage}"]`);
  if (row === null) {
    row = document.createElement('li');
    row.dataset.stage = stage;
    const name = document.createElement('span');
    name.textContent = stage;
    const bar = document.createElement('progress');
    const text = document.createElement('span');
    text.className = 'note';
    row.append(name, bar, text);
    progressList.append(row);
  }
  return row;
}

function showProgress(stage: string, step: number, totalSteps: number, elapsedMs: number): void {
  const row = progressRow(stage);
  const bar = row.querySelector('progress')!;
  bar.max = totalSteps;
  bar.value = step;
  row.querySelector('span.note')!.textContent = `${step}/${totalSteps} · ${(elapsedMs / 1000).toFixed(1)} s`;
  setStatus(`Running ${stage}…`);
}

function releaseUrls(): void {
  for (const url of objectUrls.splice(0)) URL.revokeObjectURL(url);
}

function handleMessage(message: FromWorker): void {
  switch (message.type) {
    case 'progress':
      showProgress(message.stage, message.step, message.totalSteps, message.elapsedMs);
      break;
    case 'status':
      setStatus(message.text);
      break;
    case 'notice':
      noticeLine.hidden = false;
      noticeLine.textContent = message.text;
      break;
    case 'done': {
      const { result } = message;
      releaseUrls();
      const videoUrl = URL.createObjectURL(result.video);
      objectUrls.push(videoUrl);
      const image = result.kind === 'image';
      resultVideo.hidden = image;
      resultImage.hidden = !image;
      if (image) {
        resultVideo.removeAttribute('src');
        resultImage.src = videoUrl;
      } else resultVideo.src = videoUrl;
      downloadVideo.href = videoUrl;
      downloadVideo.download = `mav.${result.videoFormat}`;
      downloadVideo.textContent = `Download ${result.videoFormat.toUpperCase()}`;
      downloadGif.hidden = result.gif === undefined;
      if (result.gif !== undefined) {
        const gifUrl = URL.createObjectURL(result.gif);
        objectUrls.push(gifUrl);
        downloadGif.href = gifUrl;
      }
      const elapsed = `${(result.elapsedMs / 1000).toFixed(1)} s on ${result.backend}`;
      resultInfo.textContent = image
        ? `preview frame, ${result.width}×${result.height} — ${elapsed}`
        : `${result.numFrames} frames, ${result.width}×${result.height}, ${result.fps} fps — ${elapsed}`;
      document.body.dataset.kind = result.kind;
      resultSection.hidden = false;
      document.body.dataset.frames = String(result.numFrames);
      setStatus('Done.');
      setBusy(false);
      document.body.dataset.state = 'done';
      break;
    }
    case 'error':
      setStatus(message.code === 'aborted' ? 'Cancelled.' : `Error: ${message.message}`);
      setBusy(false);
      document.body.dataset.state = message.code === 'aborted' ? 'cancelled' : 'error';
      break;
  }
}

function ensureWorker(): Worker {
  if (worker === undefined) {
    worker = new Worker(new URL('./generation-worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<FromWorker>) => handleMessage(event.data));
    worker.addEventListener('error', (event) => {
      handleMessage({ type: 'error', message: event.message || 'the worker failed to start' });
    });
  }
  return worker;
}

function post(message: ToWorker): void {
  ensureWorker().postMessage(message);
}

form.addEventListener('change', (event) => {
  if ((event.target as HTMLInputElement).name === 'mode') showMode();
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (busy) return;
  const mode = selectedMode();
  const firstImage = firstImageInput.files?.[0];
  const lastImage = lastImageInput.files?.[0];
  if ((mode === 'animate' || mode === 'interpolate') && firstImage === undefined) {
    setStatus('Choose an image first.');
    return;
  }
  if (mode === 'interpolate' && lastImage === undefined) {
    setStatus('Choose the last image too.');
    return;
  }
  const steps = Number(stepsInput.value);
  const request: GenerationRequest = {
    mode,
    prompt: promptInput.value.trim() || promptInput.placeholder,
    backend: backendSelect.value as WebBackendName,
    // Relative URLs are meant relative to the page, not to the worker's script under assets/.
    modelUrl: options.modelUrl.startsWith('random:')
      ? options.modelUrl
      : new URL(options.modelUrl, location.href).href,
    ...(options.defaultModel ? { randomFallback: true } : {}),
    ...(options.wasmPaths === undefined ? {} : { wasmPaths: new URL(options.wasmPaths, location.href).href }),
    seed: Number.isSafeInteger(Number(seedInput.value)) ? Number(seedInput.value) : 0,
    ...(stepsInput.value !== '' && Number.isSafeInteger(steps) && steps >= 1 ? { steps } : {}),
    ...(options.numFrames === undefined ? {} : { numFrames: options.numFrames }),
    ...((mode === 'animate' || mode === 'interpolate') && firstImage ? { firstImage } : {}),
    ...(mode === 'interpolate' && lastImage ? { lastImage } : {}),
  };
  progressList.replaceChildren();
  resultSection.hidden = true;
  setBusy(true);
  setStatus('Starting…');
  post({ type: 'generate', request });
});

// A running stage keeps the worker's thread busy between its awaits (WASM runs on that thread and its
// promises settle as microtasks), so a 'cancel' message would only be read after the run. Terminating the
// worker stops it at once; the next run starts a fresh one (and reloads the model).
cancelButton.addEventListener('click', () => {
  if (!busy) return;
  worker?.terminate();
  worker = undefined;
  handleMessage({ type: 'error', message: 'Cancelled.', code: 'aborted' });
});

showMode();
await pickBackend();
setBusy(false);
setStatus('Ready.');
document.body.dataset.ready = 'true';
