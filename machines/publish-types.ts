// What the Publisher is given, asks its report actor for, and gives back to the Run.
import type { ConductorOutput } from './conductor.js';
import type { IntegrationGateOutput, PullRequestOutcome, RunReport, StoryDef } from './types.js';

/** How a finished run leaves the machine: pushed or kept local, with or without a pull request, tidied or not. */
export interface PublishSettings {
  /** Where the branch is pushed; undefined keeps everything local. */
  readonly remote: string | undefined;
  /** Why no pull request is opened even after a push (`--no-pr`, `--no-push`, no origin); undefined opens one. */
  readonly skipPr: string | undefined;
  /** Merged stories' branches are kept too (`--keep-branches`). */
  readonly keepBranches: boolean;
}

/** The settings, with the run's branch once it is named. */
export interface PublishOptions extends PublishSettings {
  readonly branch: string;
  /** The branch's head when the run continued an existing run branch. */
  readonly continuedFrom: string | undefined;
}

/** The plan that was run: what the report lists, story by story and level by level. */
export interface RunPlan {
  readonly stories: readonly StoryDef[];
  readonly levels: readonly (readonly string[])[];
}

export interface PublisherInput {
  readonly runId: string;
  readonly outcome: ConductorOutput;
  readonly plan: RunPlan;
  readonly options: PublishOptions;
  /** The final gate as it ran before publishing; undefined when it did not run (nothing merged). */
  readonly finalGate: IntegrationGateOutput | undefined;
}

/** What the report is written from: the stories' outcome and what publishing has done before it. */
export interface ReportRequest {
  readonly branch: string;
  readonly continuedFrom: string | undefined;
  readonly plan: RunPlan;
  readonly outcome: ConductorOutput;
  readonly pushed: boolean;
  readonly rebased: boolean;
  readonly pushError: string | undefined;
  /** Stories whose branches were deleted; undefined when none were (kept, or the push failed). */
  readonly deletedBranches: readonly string[] | undefined;
}

/** What the pull request is opened (or updated) from. */
export interface PullRequestRequest {
  readonly branch: string;
  readonly report: RunReport;
}

export interface PublisherOutput {
  readonly pushed: boolean;
  readonly pushError: string | undefined;
  readonly report: RunReport | undefined;
  readonly pr: PullRequestOutcome | undefined;
  /** The final gate as the branch was pushed: run again when the push had to rebase onto the remote's branch. */
  readonly finalGate: IntegrationGateOutput | undefined;
}

export type PublisherEmitted =
  | { type: 'branch.pushed'; branch: string; remote: string; rebased: boolean }
  | { type: 'pr.opened'; url: string; number: number; updated: boolean }
  | { type: 'run.error'; message: string };
