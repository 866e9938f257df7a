/** The p-th percentile of sorted values, by the nearest-rank method (0 for none). */
export function percentile(sorted: Float64Array, p: number) {
  if (!sorted.length) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
