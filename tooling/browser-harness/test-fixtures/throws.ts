function failDeliberately(code: number): never {
  throw new RangeError(`deliberate failure with code ${code}`);
}

/** Throws after an await, to check that the error message and stack reach Node. */
export default async function throws(args: { code: number }) {
  await Promise.resolve();
  failDeliberately(args.code);
}
