// How a run's publishing reads in `run.completed`: pushed or not, what became of the PR, and why.
import type { PublisherOutput } from '../machines/publisher.js';
import type { RunOptions } from './options.js';

export interface PublishSummary {
  readonly pushed: boolean;
  readonly pr: 'opened' | 'updated' | 'skipped' | 'failed';
  /** A failed push or a failed PR call: the run exits 1. */
  readonly error?: string;
  /** Why the PR step was skipped. */
  readonly reason?: string;
}

/** Why no PR is opened whatever happens, from the options and the remote; undefined when one should be. */
export function prSkipReason(options: RunOptions, remote: string | undefined): string | undefined {
  if (!options.push) return '--no-push keeps the branch local';
  if (remote === undefined) return 'there is no origin remote to push to';
  return options.pr ? undefined : '--no-pr';
}

export function publishSummary(published: PublisherOutput | undefined): {
  readonly prUrl: string | null;
  readonly publish: PublishSummary;
} {
  if (published === undefined)
    return { prUrl: null, publish: { pushed: false, pr: 'skipped', reason: 'the run ended before publishing' } };
  const pr = published.pr ?? { status: 'skipped', reason: 'no pull request step ran' };
  const error = published.pushError ?? (pr.status === 'failed' ? pr.error : undefined);
  return {
    prUrl: pr.status === 'opened' || pr.status === 'updated' ? pr.url : null,
    publish: {
      pushed: published.pushed,
      pr: pr.status,
      ...(error === undefined ? {} : { error }),
      ...(pr.status === 'skipped' ? { reason: pr.reason } : {}),
    },
  };
}
