/** Inputs per fuzz property in every suite (fast-check `numRuns`). */
export const fuzzRuns = 10_000;
