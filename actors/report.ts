// The report step: the run's summary built from the stories' outcome and the journal, written to report.md.
import { fromPromise } from 'xstate';
import type { ReportRequest } from '../machines/publish-types.js';
import type { RunReport } from '../machines/types.js';
import { readJournalFacts } from '../services/report/journal.js';
import { buildRunReport } from '../services/report/run-report.js';
import type { EarlierRun, ReportStory } from '../services/report/run-report.js';
import type { RunPaths } from '../services/store/paths.js';
import { writeText } from '../services/store/files.js';

export interface ReportDeps {
  readonly runId: string;
  readonly goal: string;
  readonly base: string;
  /** The earlier runs recorded on the branch, when this run continues it. */
  readonly earlierRuns: (branch: string, continued: boolean) => Promise<readonly EarlierRun[]>;
  /** Epoch ms when the command started: wall time counts from here, planning included. */
  readonly startedAt: number;
  /** How long planning took, known once the plan is approved. */
  readonly planMs: () => number;
  readonly paths: Pick<RunPaths, 'reportMd' | 'eventsJsonl'>;
  readonly storyBranch: (storyId: string) => string;
  readonly parallel: number;
  readonly now: () => number;
}

function reportStories(deps: ReportDeps, request: ReportRequest): ReportStory[] {
  const { status, results } = request.outcome;
  return request.plan.stories.map((story) => {
    const result = results[story.id];
    return {
      id: story.id,
      title: story.title,
      status: status[story.id] ?? 'pending',
      attempts: result?.attempts ?? 0,
      agentMs: result?.agentMs ?? 0,
      costUsd: result?.costUsd ?? 0,
      mergeSha: result?.status === 'merged' ? result.sha : undefined,
      reason: result?.reason,
      branch: deps.storyBranch(story.id),
      blockedBy: story.dependsOn.filter((id) => status[id] !== 'merged'),
    };
  });
}

export async function writeReport(deps: ReportDeps, request: ReportRequest): Promise<RunReport> {
  const built = buildRunReport({
    runId: deps.runId,
    goal: deps.goal,
    branch: request.branch,
    base: deps.base,
    continuedFrom: request.continuedFrom,
    earlierRuns: await deps.earlierRuns(request.branch, request.continuedFrom !== undefined),
    levels: request.plan.levels,
    stories: reportStories(deps, request),
    wallMs: deps.now() - deps.startedAt,
    planMs: deps.planMs(),
    parallel: deps.parallel,
    endedAt: deps.now(),
    facts: await readJournalFacts(deps.paths.eventsJsonl),
    deletedBranches: request.deletedBranches,
    rebased: request.rebased,
    pushError: request.pushError,
  });
  await writeText(deps.paths.reportMd, `# ${built.title}\n\n${built.body}`);
  return { title: built.title, body: built.body, path: deps.paths.reportMd, timing: built.timing };
}

export function reportLogic(deps: ReportDeps) {
  return fromPromise<RunReport, ReportRequest>(({ input }) => writeReport(deps, input));
}
