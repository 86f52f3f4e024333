// Small formatting rules of the run report: durations, money, speedup, and Markdown table cells.

/** `850 ms`, `12.3 s`, `4 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const wholeSeconds = Math.round(seconds);
  const minutes = Math.floor(wholeSeconds / 60);
  if (minutes < 60) return `${minutes} min ${String(wholeSeconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export const formatCost = (usd: number): string => `$${usd.toFixed(2)}`;

/** Σ agent time ÷ wall time: how many agents were at work on average; undefined without a wall time. */
export const speedupOf = (agentMsTotal: number, wallMs: number): number | undefined =>
  wallMs > 0 ? agentMsTotal / wallMs : undefined;

/** How much of the subscription's parallel capacity agents used: agent time ÷ (wall time × parallel). */
export const utilisationOf = (agentMsTotal: number, wallMs: number, parallel: number): number | undefined =>
  wallMs > 0 && parallel > 0 ? agentMsTotal / (wallMs * parallel) : undefined;

export const formatPercent = (ratio: number | undefined): string =>
  ratio === undefined ? '—' : `${Math.round(ratio * 100)}%`;

/** The length of the union of intervals: overlapping pauses of several stories count once. */
export function coveredMs(intervals: readonly { readonly from: number; readonly to: number }[]): number {
  let total = 0;
  let reach = -Infinity;
  for (const { from, to } of [...intervals].sort((a, b) => a.from - b.from)) {
    total += Math.max(0, to - Math.max(from, reach));
    reach = Math.max(reach, to);
  }
  return total;
}

export const formatSpeedup = (speedup: number | undefined): string =>
  speedup === undefined ? '—' : `${speedup.toFixed(2)}×`;

/** Text safe inside one Markdown table cell: one line, pipes escaped. */
export const cell = (text: string): string => text.split('\n')[0]?.replace(/\|/g, '\\|').trim() ?? '';

export const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
