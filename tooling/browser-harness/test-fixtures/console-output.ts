/** Writes to the console, to check that the harness collects page logs. */
export default async function consoleOutput(args: { marker: string }) {
  console.log(`hello from the page ${args.marker}`);
  console.warn(`a warning ${args.marker}`);
  return 'logged';
}
