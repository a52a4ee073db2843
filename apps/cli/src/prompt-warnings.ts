/**
 * What `mav` says about a prompt the model will read differently from how it was written: words outside
 * the model's vocabulary (the text encoder sees an unknown token in their place) and words past its
 * context length (cut off). Printed on stderr, even with -q; the run goes on.
 */
import type { PromptAnalysis } from '@mav/cascade';

/** The warning lines for an analysed prompt (none when the model reads it as written). */
export function promptWarnings(analysis: PromptAnalysis): string[] {
  const lines: string[] = [];
  if (analysis.unknownWords.length > 0) {
    const words = [...new Set(analysis.unknownWords)].map((word) => `'${word}'`).join(', ');
    lines.push(
      `mav: warning: the model does not know ${analysis.unknownWords.length === 1 ? 'the word' : 'the words'} ${words}; ${analysis.unknownWords.length === 1 ? 'it is' : 'they are'} read as an unknown token (mav info lists the vocabulary).`,
    );
  }
  if (analysis.truncatedTokens > 0) {
    lines.push(
      `mav: warning: the prompt is longer than the model reads (${analysis.maxTokens} tokens); the last ${analysis.truncatedTokens} ${analysis.truncatedTokens === 1 ? 'token is' : 'tokens are'} ignored.`,
    );
  }
  return lines;
}
