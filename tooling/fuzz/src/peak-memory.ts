/** Peak resident memory of this process so far, in bytes (`process.resourceUsage().maxRSS`). */
export function peakResidentBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
