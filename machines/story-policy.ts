// Pure retry policy of a story: how long to back off, when a quota pause ends.

const BACKOFF_MS = [5_000, 30_000, 120_000, 300_000] as const;

/** Backoff before the next attempt after `failures` transient failures (0-based). */
export function retryDelayMs(failures: number, base: readonly number[] = BACKOFF_MS): number {
  return base[Math.min(failures, base.length - 1)] ?? 0;
}

/** Probe again after this long when the CLI gave no reset time. */
export const QUOTA_PROBE_MS = 15 * 60_000;
/** Wait a little past the announced reset: the window may close a few seconds late. */
export const QUOTA_MARGIN_MS = 60_000;

/** When a story paused by a usage limit may try again (epoch ms). */
export function quotaDeadline(
  resetsAtSeconds: number | undefined,
  endedAt: number,
  marginMs: number = QUOTA_MARGIN_MS,
): number {
  if (resetsAtSeconds === undefined) return endedAt + QUOTA_PROBE_MS;
  return Math.max(endedAt, resetsAtSeconds * 1000 + marginMs);
}
