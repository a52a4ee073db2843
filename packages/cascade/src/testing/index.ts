export { identityInterpolationConfig, identityInterpolationWeights } from './identity-interpolation.js';
export {
  createRandomCascade,
  type RandomCascade,
  type RandomCascadeOptions,
  randomCascadeWords,
  wordLevelTokenizerJson,
} from './random-cascade.js';
