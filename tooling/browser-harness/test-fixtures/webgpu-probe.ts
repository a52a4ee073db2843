/** Reports what `navigator.gpu` gives in this page: whether it exists, and the adapter if any. */
export default async function webgpuProbe() {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return { hasNavigatorGpu: false, adapterFound: false, architecture: null };
  const adapter = (await gpu.requestAdapter()) as { info?: { architecture?: string } } | null;
  return {
    hasNavigatorGpu: true,
    adapterFound: adapter !== null,
    architecture: adapter?.info?.architecture ?? null,
  };
}
