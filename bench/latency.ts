import { performance } from 'node:perf_hooks';

/** The q-quantile of ascending times (nearest rank: of 20 runs, p50 is the 10th, p95 the 19th). */
export const quantile = (sorted: readonly number[], q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

/** Wall time of `runs` calls of `run`, one after the other, ascending; `each` sees every call's time as it ends. */
export async function timeRuns(run: () => Promise<unknown>, runs: number, each?: (ms: number) => void): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await run();
    const t = performance.now() - s;
    each?.(t);
    times.push(t);
  }
  return times.sort((a, b) => a - b);
}
