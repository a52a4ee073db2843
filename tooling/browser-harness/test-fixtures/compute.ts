/** Sums `values` and echoes `args` back, to check that computation and argument passing work. */
export default async function compute(args: { values: number[]; label: string; nested: { flag: boolean } }) {
  const sum = args.values.reduce((total, value) => total + value, 0);
  const squares = args.values.map((value) => value * value);
  return { sum, squares, echoed: args, userAgentHasChrome: navigator.userAgent.includes('Chrome') };
}
