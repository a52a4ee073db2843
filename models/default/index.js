// Where the default model's files are, for any runtime: the manifest's URL and the folder's URL (a bundler
// copies the files the manifest names beside it; a page fetches them relative to `modelUrl`).
export const modelUrl = new URL('./', import.meta.url);
export const manifestUrl = new URL('./manifest.json', import.meta.url);
