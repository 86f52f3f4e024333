// How a finished (or stopped) actor tree reads as the run's result: one line per story and the run's status.
import type { ConductorOutput } from '../machines/conductor.js';
import { runStatus } from '../machines/dag.js';
import type { StoryStatus } from '../machines/dag.js';
import type { RunOutput } from '../machines/run.js';
import type { VerifyResult } from '../machines/types.js';
import type { FinalGateLine, StorySummaryLine } from './run-events.js';

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
      denials: result?.denials ?? [],
    };
  });
}

/** `succeeded` only when every story merged and the final gate passed (or had no checks to run). */
export function finalStatus(output: RunOutput | undefined, stories: readonly StorySummaryLine[]): FinalStatus {
  if (output === undefined) return 'stopped';
  if (output.error !== undefined) return 'failed';
  const status = runStatus(Object.fromEntries(stories.map((s): [string, StoryStatus] => [s.id, s.status])));
  return status === 'succeeded' && output.finalGate?.status === 'failed' ? 'partial' : status;
}

/** The final gate as run.completed reports it: its status and the commands that failed or could not run. */
export function gateSummary(output: RunOutput | undefined): FinalGateLine | undefined {
  const gate = output?.finalGate;
  if (gate === undefined) return undefined;
  const named = (status: VerifyResult['status']) =>
    gate.results.filter((r) => r.status === status).map((r) => r.command);
  return { status: gate.status, failed: named('failed'), notRun: named('notRun') };
}
