export { type ErrorTest, expectDocumentedErrors } from './documented-error.js';
export { type EditedJsonOptions, editedJson, type Json } from './edited-json.js';
export { fuzzRuns } from './fuzz-runs.js';
export { type MutatedBytesOptions, mutatedBytes } from './mutated-bytes.js';
export { peakResidentBytes } from './peak-memory.js';
