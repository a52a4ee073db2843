/** A test of whether an error is one a parser documents (e.g. `CorruptInputError.isInstance`). */
export type ErrorTest = (error: unknown) => boolean;

/**
 * Runs `parse(input)` (sync or async) and returns what it gave back, or `undefined` when it threw one of
 * the errors `documented` accepts. Any other error (an untyped `Error`, a `TypeError` from inside a
 * library) fails the property with the error's name, message and stack and the input's length.
 */
export async function expectDocumentedErrors<T>(
  parse: () => T | Promise<T>,
  documented: readonly ErrorTest[],
  input: { length: number },
): Promise<Awaited<T> | undefined> {
  try {
    return await parse();
  } catch (error) {
    if (documented.some((accepts) => accepts(error))) return undefined;
    const described =
      error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
    throw new Error(`undocumented error for an input of ${input.length} bytes: ${described}`, {
      cause: error,
    });
  }
}
