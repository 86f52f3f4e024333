// The run's summary as Markdown: the pull request's title and body, and report.md. Pure: everything comes in.
import { runStatus } from '../../machines/dag.js';
import type { StoryStatus } from '../../machines/dag.js';
import {
  cell,
  code,
  coveredMs,
  formatCost,
  formatDuration,
  formatPercent,
  formatSpeedup,
  speedupOf,
  utilisationOf,
} from './format.js';
import { checksSection, finalGateOf, verdictCell } from './checks.js';
import type { JournalFacts } from './journal.js';
import { count } from '../words.js';
import { liveSection } from './live-section.js';
import { replansSection } from './replans.js';

export interface ReportStory {
  readonly id: string;
  readonly title: string;
  readonly status: StoryStatus;
  readonly attempts: number;
  readonly agentMs: number;
  readonly costUsd: number;
  readonly mergeSha?: string | undefined;
  readonly reason?: string | undefined;
  /** The story's own branch, named when it is kept (a failed story's work is on it). */
  readonly branch: string;
  readonly blockedBy: readonly string[];
}

/** An earlier run on the same branch, which this one continues. */
export interface EarlierRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly status: string;
  readonly merged: readonly string[];
  readonly stories: number;
}

export interface ReportInput {
  readonly runId: string;
  readonly goal: string;
  readonly branch: string;
  readonly base: string;
  /** Where an existing run branch stood when this run continued it; undefined for a new branch. */
  readonly continuedFrom: string | undefined;
  /** Oldest first; the pull request's branch holds their merged stories too. */
  readonly earlierRuns: readonly EarlierRun[];
  readonly levels: readonly (readonly string[])[];
  readonly stories: readonly ReportStory[];
  readonly wallMs: number;
  readonly planMs: number;
  /** Stories allowed to run at once. */
  readonly parallel: number;
  /** Epoch ms the report is made at: a pause the run ended in lasts until then. */
  readonly endedAt: number;
  readonly facts: JournalFacts;
  /** Story ids whose merged branches were deleted; undefined when they were all kept. */
  readonly deletedBranches: readonly string[] | undefined;
  /** The remote's branch had moved: the run's commits were rebased onto it before the push. */
  readonly rebased: boolean;
  /** Why the push failed; the branch is then only local. */
  readonly pushError: string | undefined;
}

export interface BuiltReport {
  readonly title: string;
  readonly body: string;
  readonly timing: { readonly wallMs: number; readonly planMs: number; readonly agentMsTotal: number };
  readonly speedup: number | undefined;
}

const TITLE_MAX = 200;
const KNOWLEDGE_SHOWN = 10;

const titleFor = (status: string, goal: string): string => {
  const line = goal.split('\n')[0]?.trim() ?? goal;
  const prefix = status === 'succeeded' ? '' : status === 'partial' ? 'Checkpoint: ' : 'Failed: ';
  const title = `${prefix}${line}`;
  return title.length <= TITLE_MAX ? title : `${title.slice(0, TITLE_MAX - 1)}…`;
};

function summary(input: ReportInput, merged: number): string[] {
  const from = input.continuedFrom === undefined ? '' : ` (continuing it from ${input.continuedFrom.slice(0, 8)})`;
  // A story the Surgeon split is done by its parts: it counts neither as merged nor as missing.
  const replaced = input.stories.filter((s) => s.status === 'replaced').map((s) => s.id);
  const split =
    replaced.length > 0
      ? ` ${replaced.join(', ')} failed and ${replaced.length === 1 ? 'was' : 'were'} split by a replan.`
      : '';
  return [
    '## Goal',
    '',
    input.goal,
    '',
    `baro run ${code(input.runId)} on ${code(input.branch)}${from}, from ${code(input.base)}: ${merged} of ${input.stories.length - replaced.length} stories merged.${split}`,
  ];
}

function earlier(input: ReportInput): string[] {
  if (input.earlierRuns.length === 0) return [];
  const line = (run: EarlierRun): string =>
    `- ${code(run.runId)} (${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${run.status}): ${run.merged.length} of ${run.stories} stories merged${run.merged.length > 0 ? ` — ${run.merged.join(', ')}` : ''}`;
  return [
    '## Earlier runs on this branch',
    '',
    'Their merged stories are on the branch below this run’s; their reports are in their run folders.',
    '',
    ...input.earlierRuns.map(line),
  ];
}

function missing(input: ReportInput): string[] {
  const open = input.stories.filter((s) => s.status !== 'merged' && s.status !== 'replaced');
  const gate = finalGateOf(input.facts);
  const failing = gate?.status === 'failed' ? gate.results.filter((r) => r.status === 'failed') : [];
  if (open.length === 0 && failing.length === 0) return [];
  const line = (s: ReportStory): string => {
    if (s.status === 'failed')
      return `- **${s.id}** ${s.title}: failed — ${cell(s.reason ?? 'no reason recorded')}. Its work is kept on ${code(s.branch)}.`;
    if (s.status === 'blocked') return `- **${s.id}** ${s.title}: not started, blocked by ${s.blockedBy.join(', ')}.`;
    return `- **${s.id}** ${s.title}: not finished (${s.status}).`;
  };
  return [
    '## What is missing',
    '',
    `This pull request is a checkpoint: ${open.length > 0 ? 'these stories are not in it' : 'every story is in it, but its checks do not pass'}.`,
    '',
    ...open.map(line),
    ...(failing.length > 0 ? [`- The final gate failed: ${failing.map((r) => code(r.command)).join(', ')}.`] : []),
  ];
}

function plan(input: ReportInput): string[] {
  const titles = new Map(input.stories.map((s) => [s.id, s.title]));
  return [
    '## Plan',
    '',
    ...input.levels.map(
      (level, i) => `${i + 1}. ${level.map((id) => `**${id}** ${titles.get(id) ?? ''}`.trim()).join(' · ')}`,
    ),
  ];
}

function storiesTable(input: ReportInput): string[] {
  const row = (s: ReportStory): string =>
    `| ${cell(s.id)} | ${cell(s.title)} | ${s.status} | ${s.attempts} | ${verdictCell(input.facts, s.id)} | ${formatDuration(s.agentMs)} | ${formatCost(s.costUsd)} | ${s.mergeSha === undefined ? '—' : code(s.mergeSha.slice(0, 8))} |`;
  return [
    '## Stories',
    '',
    '| id | title | status | attempts | verdict | agent time | cost | merge commit |',
    '|---|---|---|---|---|---|---|---|',
    ...input.stories.map(row),
  ];
}

// Only a merge proves the session resolved its conflict: a failed or unfinished story did not.
function conflictLine(id: string, rounds: number, status: StoryStatus | undefined): string {
  const conflicted = `- ${id} conflicted with the integration branch;`;
  if (status === 'merged') return `${conflicted} its own session resolved it (${count(rounds, 'round', 'rounds')})`;
  if (status === 'failed')
    return `${conflicted} its own session could not resolve it in ${count(rounds, 'round', 'rounds')}`;
  return `${conflicted} the run ended before it was resolved`;
}

function collisions(input: ReportInput): string[] {
  const { facts } = input;
  const rounds = Object.entries(facts.conflicts);
  const statuses = new Map(input.stories.map((s) => [s.id, s.status]));
  if (facts.collisions.length === 0 && rounds.length === 0 && facts.denials.length === 0) return [];
  return [
    '## Collisions and conflicts',
    '',
    ...facts.collisions.map(
      (c) =>
        `- ${code(c.path)}: ${c.stories.join(' and ')} ${c.source === 'plan' ? 'both planned to write it' : 'both edited it'}`,
    ),
    ...rounds.map(([id, n]) => conflictLine(id, n, statuses.get(id))),
    ...facts.denials.map((d) => `- ${d.storyId} was denied ${d.tool}: ${cell(d.message)}`),
  ];
}

function librarian(facts: JournalFacts): string[] {
  if (facts.knowledge.length === 0)
    return ['## What the Librarian shared', '', 'Nothing: no agent learned something another could use.'];
  const kinds = new Map<string, number>();
  for (const k of facts.knowledge) kinds.set(k.kind, (kinds.get(k.kind) ?? 0) + 1);
  const counted = [...kinds].map(([kind, n]) => `${kind}: ${n}`).join(', ');
  return [
    '## What the Librarian shared',
    '',
    `${count(facts.knowledge.length, 'fact', 'facts')} gathered from the agents' tool calls (${counted}); each story that started after a fact was learned found it in its brief:`,
    '',
    ...facts.knowledge.slice(0, KNOWLEDGE_SHOWN).map((k) => `- ${cell(k.summary)} (from ${k.storyId})`),
    ...(facts.knowledge.length > KNOWLEDGE_SHOWN ? [`- … and ${facts.knowledge.length - KNOWLEDGE_SHOWN} more`] : []),
  ];
}

// Written by the run's participants (docs/participants.md), one line each, as they asked.
function notes(facts: JournalFacts): string[] {
  if (facts.notes.length === 0) return [];
  return ['## Notes', '', ...facts.notes.map((n) => `- ${n.text.replace(/\s+/g, ' ').trim()} (${n.name})`)];
}

function pausedMs(input: ReportInput): number {
  return coveredMs(input.facts.quotaPauses.map((pause) => ({ from: pause.from, to: pause.to ?? input.endedAt })));
}

function timing(input: ReportInput, agentMsTotal: number): string[] {
  return [
    '## Timing',
    '',
    '| | |',
    '|---|---|',
    `| wall time, from the start (planning included) | ${formatDuration(input.wallMs)} |`,
    `| planning | ${formatDuration(input.planMs)} |`,
    `| agent time, every story and attempt (failed ones too) | ${formatDuration(agentMsTotal)} |`,
    `| speedup (agent time ÷ wall time) | ${formatSpeedup(speedupOf(agentMsTotal, input.wallMs))} |`,
    `| quota utilisation (agent time ÷ (wall time × parallel ${input.parallel})) | ${formatPercent(utilisationOf(agentMsTotal, input.wallMs, input.parallel))} |`,
    `| paused for usage limits (no new story started) | ${formatDuration(pausedMs(input))} |`,
  ];
}

function branches(input: ReportInput): string[] {
  const kept = input.stories.filter((s) => s.status === 'failed');
  const merged = input.stories.filter((s) => s.status === 'merged');
  const deleted = input.deletedBranches ?? [];
  const regated = input.facts.checks.filter((check) => check.scope === 'final').length > 1;
  const lines = [
    input.deletedBranches === undefined
      ? `Story branches are kept (${merged.length} merged).`
      : `${deleted.length} of ${merged.length} merged stories' branches were deleted: their merges are on ${code(input.branch)}.`,
    ...(kept.length > 0 ? [`Failed stories keep their branches: ${kept.map((s) => code(s.branch)).join(', ')}.`] : []),
    ...(input.pushError === undefined
      ? []
      : [`The push failed, so ${code(input.branch)} is only in this repository: ${cell(input.pushError)}`]),
    ...(input.rebased
      ? [
          `The remote ${code(input.branch)} had moved: this run's commits were rebased onto it before the push, so the merge commits above were rewritten.${regated ? ' The final gate ran again on the rebased branch: Checks shows that run.' : ''}`,
        ]
      : []),
  ];
  return ['## Branches', '', ...lines];
}

/** The report of a finished run; the title starts with `Checkpoint:` when some stories are missing or checks fail. */
export function buildRunReport(input: ReportInput): BuiltReport {
  const byStories = runStatus(Object.fromEntries(input.stories.map((s) => [s.id, s.status])));
  const gateFailed = finalGateOf(input.facts)?.status === 'failed';
  const status = byStories === 'succeeded' && gateFailed ? 'partial' : byStories;
  const merged = input.stories.filter((s) => s.status === 'merged').length;
  const agentMsTotal = input.stories.reduce((sum, s) => sum + s.agentMs, 0);
  const sections = [
    summary(input, merged),
    earlier(input),
    missing(input),
    plan(input),
    storiesTable(input),
    checksSection(input.facts),
    collisions(input),
    replansSection(input.facts),
    librarian(input.facts),
    liveSection(input.facts),
    notes(input.facts),
    timing(input, agentMsTotal),
    branches(input),
  ];
  return {
    title: titleFor(status, input.goal),
    body: `${sections
      .filter((lines) => lines.length > 0)
      .map((lines) => lines.join('\n'))
      .join('\n\n')}\n`,
    timing: { wallMs: input.wallMs, planMs: input.planMs, agentMsTotal },
    speedup: speedupOf(agentMsTotal, input.wallMs),
  };
}
