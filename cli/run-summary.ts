// How a finished (or stopped) actor tree reads as the run's result: one line per story and the run's status.
import type { ConductorOutput } from '../machines/conductor.js';
import { runStatus } from '../machines/dag.js';
import type { StoryStatus } from '../machines/dag.js';
import type { RunOutput } from '../machines/run.js';
import type { StorySummaryLine } from './run-events.js';

export type FinalStatus = 'succeeded' | 'partial' | 'failed' | 'stopped';

/** Each story as the Conductor last knew it: at the end of the run, or when it was stopped; pending before it started. */
export function storySummaries(
  stories: readonly { readonly id: string }[],
  outcome: ConductorOutput | undefined,
): StorySummaryLine[] {
  return stories.map((story) => {
    const result = outcome?.results[story.id];
    return {
      id: story.id,
      status: outcome?.status[story.id] ?? 'pending',
      attempts: result?.attempts ?? 0,
      agentMs: result?.agentMs ?? 0,
      costUsd: result?.costUsd ?? 0,
      reason: result?.reason,
    };
  });
}

export function finalStatus(output: RunOutput | undefined, stories: readonly StorySummaryLine[]): FinalStatus {
  if (output === undefined) return 'stopped';
  if (output.error !== undefined) return 'failed';
  return runStatus(Object.fromEntries(stories.map((s): [string, StoryStatus] => [s.id, s.status])));
}
