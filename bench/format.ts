// How the benchmarks print: milliseconds, summary rows, a measured value against its target.

export const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(sorted.length, 1);
  return { mean, p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
};
export const ms = (value: number) => `${Math.round(value)} ms`;
export const row = (label: string, values: readonly number[]) => {
  const s = stats(values);
  return `    ${label.padEnd(52)} ${ms(s.mean).padStart(8)} ${ms(s.p50).padStart(8)} ${ms(s.max).padStart(8)}`;
};
export const verdict = (value: number, target: number, format: (v: number) => string) =>
  `${format(value)} (target ≤ ${format(target)}, ${(value / target).toFixed(2)}× the target) ${value <= target ? '✓' : '✗ missed'}`;
