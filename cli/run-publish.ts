// How a run's publishing reads in `run.completed`: pushed or not, what became of the PR, and why.
import { homedir } from 'node:os';
import type { PublisherOutput } from '../machines/publish-types.js';
import type { EarlierRun } from '../services/report/run-report.js';
import { baroHome } from '../services/store/paths.js';
import { listRuns } from '../services/store/runs.js';
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

/** The earlier runs recorded on a branch this run continues, oldest first; none for a new branch. */
export async function earlierRunsOn(input: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly repoDir: string;
  readonly branch: string;
  readonly runId: string;
  readonly continued: boolean;
}): Promise<EarlierRun[]> {
  if (!input.continued) return [];
  const { runs } = await listRuns({ home: baroHome(input.env, homedir()), repoRoot: input.repoDir });
  return runs
    .filter((run) => run.branch === input.branch && run.runId !== input.runId)
    .reverse()
    .map((run) => ({
      runId: run.runId,
      startedAt: run.startedAt,
      status: run.status,
      merged: (run.stories ?? []).filter((s) => s.status === 'merged').map((s) => s.id),
      stories: run.stories?.length ?? 0,
    }));
}
