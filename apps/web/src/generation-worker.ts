import { createOnnxruntimeWebBackend } from '@mav/backend-onnxruntime-web';

const backend = createOnnxruntimeWebBackend({ executionProvider: 'wasm' });
self.onmessage = async () => {
  await backend.init();
  self.postMessage({ type: 'status', text: 'ok' });
};
