// Every domain event a run reports (docs/cli.md "JSON events"), and how each reads as one plain line.
import type { AuditorEmitted } from '../machines/auditor.js';
import type { ConductorEmitted } from '../machines/conductor-context.js';
import type { CriticEmitted } from '../machines/critic.js';
import type { StoryStatus } from '../machines/dag.js';
import type { HeraldEmitted } from '../machines/herald-events.js';
import type { LibrarianEmitted } from '../machines/librarian.js';
import type { PlannerEmitted } from '../machines/planner.js';
import type { RunEmitted } from '../machines/run-context.js';
import type { SentryEmitted } from '../machines/sentry.js';
import type { StoryEmitted } from '../machines/story-events.js';
import type { SurgeonEmitted } from '../machines/surgeon.js';
import { replanLine, skippedLine } from './replan-lines.js';
import type { PublishSummary } from './run-publish.js';
import { count, planSize } from '../services/words.js';

export interface StorySummaryLine {
  readonly id: string;
  readonly status: StoryStatus;
  readonly attempts: number;
  readonly agentMs: number;
  readonly costUsd: number;
  readonly reason?: string | undefined;
  /** What its agent was denied, as permission rules (`Bash(make lint)`): candidates for `agent.allowedTools`. */
  readonly denials: readonly string[];
}

/** The final gate in run.completed: what a person needs to see why a run is only partial. */
export interface FinalGateLine {
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly failed: readonly string[];
  readonly notRun: readonly string[];
}

export type RunReportEvent =
  | {
      type: 'run.started';
      runId: string;
      goal: string;
      /** Null until the plan is approved and the branch named (`branch.created`). */
      branch: string | null;
      base: string;
      parallel: number;
      runDir: string;
      repo: string;
      /** Set when `baro resume` takes an interrupted run up again. */
      resumed?: true;
    }
  | { type: 'inspect.listening'; url: string }
  | {
      type: 'run.completed';
      runId: string;
      status: 'succeeded' | 'partial' | 'failed' | 'stopped';
      branch: string | null;
      prUrl: string | null;
      pushed: boolean;
      publish: PublishSummary;
      stories: readonly StorySummaryLine[];
      timing: { wallMs: number; planMs: number; agentMsTotal: number };
      /** report.md, when it was written. */
      report?: string | undefined;
      /** The checks on the integration branch before publishing; absent when they did not run. */
      finalGate?: FinalGateLine | undefined;
      error?: string | undefined;
    }
  | StoryEmitted
  | ConductorEmitted
  | LibrarianEmitted
  | SentryEmitted
  | PlannerEmitted
  | SurgeonEmitted
  | AuditorEmitted
  | CriticEmitted
  | HeraldEmitted
  | RunEmitted;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

const STARTED: Readonly<Record<Extract<RunReportEvent, { type: 'story.started' }>['purpose'], string>> = {
  story: 'started',
  retry: 'retrying',
  resolve: 'resolving a conflict',
  guided: 'sent back by a replan',
  feedback: 'revising',
};

function verifyLine(event: AuditorEmitted): string {
  const where =
    event.scope === 'story'
      ? `  ${event.storyId ?? ''} checks`
      : event.scope === 'integration'
        ? `integration gate after level ${(event.level ?? 0) + 1}`
        : 'final gate';
  if (event.results.length === 0) return `${where}: no checks configured or detected`;
  const each = event.results.map((r) => `${r.command} ${r.status === 'notRun' ? 'not run' : r.status}`).join(', ');
  return `${where} ${event.status}: ${each}`;
}

function gateLines(gate: FinalGateLine | undefined): string[] {
  if (gate === undefined) return [];
  const lines = gate.status === 'failed' ? [`final gate failed: ${gate.failed.join(', ')}`] : [];
  return gate.notRun.length > 0 ? [...lines, `final gate could not run: ${gate.notRun.join(', ')}`] : lines;
}

function deniedLines(stories: readonly StorySummaryLine[]): string[] {
  const denied = [...new Set(stories.flatMap((s) => s.denials))];
  return denied.length === 0 ? [] : [`agents were denied: ${denied.join(', ')} (add to agent.allowedTools to allow)`];
}

const SHOWN_IDS = 12;

/** Story ids on one line: the first dozen, then how many more (a stopped 400-story run is not 400 lines). */
function idList(ids: readonly string[]): string {
  const more = ids.length > SHOWN_IDS ? ` … and ${ids.length - SHOWN_IDS} more` : '';
  return `${ids.slice(0, SHOWN_IDS).join(' ')}${more}`;
}

/** A reason's first line, marked when more follows: a failure's output is printed once, in the summary. */
function firstLineOf(reason: string): string {
  const end = reason.indexOf('\n');
  return end < 0 ? reason : `${reason.slice(0, end)} …`;
}

/**
 * Each reason whole the first time, then as its first line for stories that failed the same way (the same first line
 * but for their own id): eight stories failing one setup command show its output once, and each its own log.
 */
function onceEach(): (story: StorySummaryLine) => string | undefined {
  const shown = new Set<string>();
  return ({ id, reason }) => {
    if (reason === undefined) return undefined;
    const key = firstLineOf(reason).split(id).join('\0');
    if (shown.has(key)) return firstLineOf(reason);
    shown.add(key);
    return reason;
  };
}

/** A line for each story with something to say, one for those that only wait. */
function unfinishedLines(stories: readonly StorySummaryLine[]): string[] {
  const waiting = (status: StoryStatus) => stories.filter((s) => s.status === status && !s.reason).map((s) => s.id);
  const reasonOf = onceEach();
  const own = stories.flatMap((s) => {
    if (s.status === 'replaced')
      return [`  ${s.id}: replaced by a replan after it failed${s.reason ? ` (${reasonOf(s)})` : ''}`];
    // What a merged story got over (a crash retried, a usage limit waited out) is past.
    if (s.status === 'merged') return s.reason ? [`  ${s.id}: merged after ${s.reason}`] : [];
    // Only a stopped run ends with a story running: its work so far is kept for a resume.
    const status = s.status === 'running' ? 'stopped mid-work' : s.status;
    if (s.status === 'failed' || s.status === 'running' || s.reason)
      return [`  ${s.id}: ${status}${s.reason ? ` — ${reasonOf(s)}` : ''}`];
    return [];
  });
  const blocked = waiting('blocked');
  const pending = waiting('pending');
  return [
    ...own,
    ...(blocked.length > 0 ? [`  blocked, a story they depend on did not merge: ${idList(blocked)}`] : []),
    ...(pending.length > 0 ? [`  not started: ${idList(pending)}`] : []),
  ];
}

/** `sentry` → `Sentry`: who speaks a live message. */
export const speaker = (from: string) => `${from.charAt(0).toUpperCase()}${from.slice(1)}`;

/** One human line per event; undefined for events too chatty for plain output. */
export function plainLine(event: RunReportEvent): string | undefined {
  switch (event.type) {
    case 'run.started':
      return `baro ${event.resumed ? 'resumes' : 'run'} ${event.runId}: "${event.goal}" from ${event.base}, ${event.parallel} at once`;
    case 'planner.started':
      return event.purpose === 'draft'
        ? 'planning: the planner reads the repository…'
        : event.purpose === 'repair'
          ? 'planning: the planner repairs its plan…'
          : 'planning: the planner revises the plan…';
    case 'planner.rejected':
      return `planning: the plan breaks ${count(event.issues.length, 'rule', 'rules')}; repair ${event.repair}: ${event.issues.join('; ')}`;
    case 'planner.retry':
      return `planning will retry at ${new Date(event.at).toISOString()}: ${event.reason}`;
    case 'planner.paused':
      return `planning paused by the usage limit until ${new Date(event.until).toISOString()}`;
    case 'planner.resumed':
      return 'planning resumes after the usage-limit pause';
    case 'branch.created':
      return event.continuedFrom === undefined
        ? `branch ${event.branch} created`
        : `branch ${event.branch} continued from ${event.continuedFrom.slice(0, 8)}`;
    case 'inspect.listening':
      return `inspector: ${event.url}`;
    case 'plan.ready':
      return `plan: ${planSize(event.stories, event.levels.length)}: ${event.levels.map((l) => l.join(' ')).join(' | ')}`;
    case 'level.started':
      return `level ${event.level + 1}: ${event.stories.join(', ') || '(nothing to run)'}`;
    case 'level.completed':
      return `level ${event.level + 1} done: ${event.merged.length} merged, ${event.failed.length} failed, ${event.blocked.length} blocked`;
    case 'story.started':
      return `  ${event.storyId} ${STARTED[event.purpose]} (attempt ${event.attempt})`;
    case 'story.setup':
      return `  ${event.storyId} setting up its worktree`;
    case 'story.tool':
      return undefined;
    case 'story.committed':
      return `  ${event.storyId} committed ${event.sha.slice(0, 8)} (${count(event.files.length, 'file', 'files')})`;
    case 'story.conflict':
      return `  ${event.storyId} conflicts with the integration branch in ${event.files.join(', ')}; its agent resolves it (round ${event.round})`;
    case 'story.merging':
      return undefined;
    case 'story.merged':
      return `  ${event.storyId} merged ${event.sha.slice(0, 8)}`;
    case 'story.failed':
      return `  ${event.storyId} failed: ${firstLineOf(event.reason)}`;
    case 'story.blocked':
      return `  ${event.storyId} blocked by ${event.by.join(', ')}`;
    case 'story.retry':
      return `  ${event.storyId} will retry at ${new Date(event.at).toISOString()}: ${event.reason}`;
    case 'verify.completed':
      return verifyLine(event);
    case 'story.verdict':
      return `  ${event.storyId} review round ${event.round}: ${event.verdict}${event.reasons.length > 0 ? ` — ${event.reasons.join('; ')}` : ''}`;
    case 'critic.retry':
      return `  ${event.storyId} review will be asked again at ${new Date(event.at).toISOString()}: ${event.reason}`;
    case 'story.resumed':
      return event.how === 'continued'
        ? `  ${event.storyId} continues its interrupted session ${event.sessionId ?? ''}`.trimEnd()
        : `  ${event.storyId} starts its interrupted turn over (its session had not begun)`;
    case 'story.denied':
      return `  ${event.storyId} was denied ${event.rule}: ${event.message} (add it to agent.allowedTools in baro.config.json to allow it)`;
    case 'quota.paused':
      return `  usage limit reached by ${event.storyId}: new stories wait until ${new Date(event.until).toISOString()}`;
    case 'quota.resumed':
      return `  ${event.storyId} resumes after the usage-limit pause`;
    case 'quota.held':
      return `  ${Math.round(event.utilization * 100)}% of the quota used (warned to ${event.storyId}): running stories go on, new ones wait until ${new Date(event.until).toISOString()}`;
    case 'quota.released':
      return '  the quota has reset: new stories start again';
    case 'collision.warning':
      return `  collision: ${event.stories.join(' and ')} ${event.source === 'plan' ? 'both plan to write' : 'both edited'} ${event.path}`;
    case 'knowledge.added':
      return undefined;
    case 'gate.error':
      return `  the integration gate after level ${event.level + 1} could not run: ${event.message}`;
    case 'surgeon.started':
      return event.purpose === 'repair'
        ? `  surgeon: repairs its proposal for ${event.subject}…`
        : `  surgeon: looks at the ${event.subject === 'integration gate' ? 'failed integration gate' : `failure of ${event.subject}`}…`;
    case 'surgeon.rejected':
      return `  surgeon: its proposal for ${event.subject} breaks ${count(event.issues.length, 'rule', 'rules')}: ${event.issues.join('; ')}`;
    case 'surgeon.retry':
      return `  surgeon will retry at ${new Date(event.at).toISOString()}: ${event.reason}`;
    case 'surgeon.paused':
      return `  surgeon paused by the usage limit until ${new Date(event.until).toISOString()}`;
    case 'surgeon.resumed':
      return '  surgeon resumes after the usage-limit pause';
    case 'replan.applied':
      return replanLine(event);
    case 'replan.skipped':
      return skippedLine(event);
    case 'message.sent':
      return `  ${event.storyId} hears the ${speaker(event.from)} while it works (${event.kind})`;
    case 'message.delivered':
      return undefined;
    case 'message.withheld':
      return `  ${event.storyId}: the ${speaker(event.from)}'s news (${event.kind}) is kept for its next turn, if it has one`;
    case 'branch.pushed':
      return `pushed ${event.branch} to ${event.remote}${event.rebased ? ` (after rebasing onto ${event.remote}'s newer commits)` : ''}`;
    case 'pr.opened':
      return `pull request ${event.updated ? 'updated' : 'opened'}: ${event.url}`;
    case 'participant.failed':
      return `participant ${event.name} stopped: ${event.reason}`;
    case 'participant.note':
      return `note from ${event.name}: ${event.text}`;
    case 'schedule.paused':
      return `schedule paused by ${event.by}: no new story starts until it resumes`;
    case 'schedule.resumed':
      return `schedule resumed by ${event.by}`;
    case 'run.error':
      return `error: ${event.message}`;
    case 'run.completed': {
      // Quit at the plan review, or stopped while planning: listing every story as pending would say nothing.
      if (event.status === 'stopped' && event.branch === null && event.stories.every((s) => s.status === 'pending'))
        return `run stopped before any story ran (${seconds(event.timing.wallMs)}): nothing changed in your repository`;
      // A story split by the Surgeon is done by the stories that replaced it: it counts neither way.
      const counted = event.stories.filter((s) => s.status !== 'replaced');
      return [
        `run ${event.status}: ${counted.filter((s) => s.status === 'merged').length}/${counted.length} stories merged on ${event.branch ?? 'no branch'} in ${seconds(event.timing.wallMs)} (agents ${seconds(event.timing.agentMsTotal)})`,
        ...unfinishedLines(event.stories),
        ...(event.publish.pr === 'skipped'
          ? [`pull request skipped: ${event.publish.reason ?? 'no reason given'}`]
          : []),
        ...(event.report ? [`report: ${event.report}`] : []),
        ...gateLines(event.finalGate),
        ...deniedLines(event.stories),
        ...(event.error ? [`error: ${event.error}`] : []),
      ].join('\n');
    }
  }
}
