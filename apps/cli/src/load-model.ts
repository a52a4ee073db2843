/**
 * Loads the cascade for a model selection. (Wired to @mav/cascade when it lands.)
 */

import type { ModelLoader } from './cli-context.js';
import { CliError } from './cli-error.js';
import { exitCodes } from './exit-codes.js';

/** Loads a model directory, or the random-weight test cascade, onto the chosen backend. */
export const loadModel: ModelLoader = async () => {
  throw new CliError(exitCodes.model, 'the cascade (@mav/cascade) is not available yet.');
};
