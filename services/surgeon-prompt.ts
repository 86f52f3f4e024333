// What baro tells the Surgeon: the failure, the plan as it stands, what it may propose, and the JSON Schema of its answer.
import { z } from 'zod';
import { actionsFor, caseSubject } from '../machines/surgery.js';
import type { PlanState, SurgeonCase } from '../machines/surgery.js';
import { surgeonAnswerSchema } from './surgeon-answer.js';

let surgeonJsonSchemaMade: Readonly<Record<string, unknown>> | undefined;

/**
 * The `--json-schema` of the Surgeon's answer, in draft-07: the CLI refuses a 2020-12 schema. Made once, on the first
 * turn that asks: at module load it delayed every run's start.
 */
export const surgeonJsonSchema = (): Readonly<Record<string, unknown>> =>
  (surgeonJsonSchemaMade ??= z.toJSONSchema(surgeonAnswerSchema, { io: 'input', target: 'draft-7' }));

const bullets = (items: readonly string[]): string => items.map((item) => `- ${item}`).join('\n');
const code = (text: string): string => `\`${text}\``;
// A check's output can be long; the end says what failed.
const TAIL_CHARS = 4000;

const ACTION_HELP: Readonly<Record<string, string>> = {
  retry:
    '`retry` with `guidance`: the same story runs again, in its own worktree and session, with your guidance as its next message. For a story that was close, or failed for a reason a hint fixes.',
  split:
    '`split` with `stories`: new, smaller stories replace the failed one; stories that depended on it will wait for them. For a story too big or too vague for one agent session.',
  fix: '`fix` with `stories`: new stories that make the failing checks pass on the integration branch.',
  drop: '`drop`: give up on it; stories that depend on it stay blocked. Only when it cannot succeed or is not needed.',
};

const STORY_RULES = [
  'Ids are new (not used in the plan), short and unique.',
  '`dependsOn` names only stories that merged, stories still pending, or other new stories; no cycles.',
  'Every story has concrete, checkable acceptance criteria and a description an agent that has not seen this conversation can follow.',
  'Stories that do not depend on each other run in parallel in the next level.',
];

function planLines(plan: PlanState): string {
  return bullets(
    plan.stories.map((story) => {
      const deps = story.dependsOn.length > 0 ? ` (depends on ${story.dependsOn.join(', ')})` : '';
      return `${story.id} — ${story.title} [${plan.status[story.id] ?? 'pending'}]${deps}`;
    }),
  );
}

function failure(c: SurgeonCase): string {
  if (c.kind === 'gate') {
    const checks = c.failing.map(
      (check) =>
        `### ${code(check.command)} — exit ${String(check.exitCode)}\n\n\`\`\`\n${check.tail.slice(-TAIL_CHARS)}\n\`\`\``,
    );
    return `# The integration checks failed after level ${c.level + 1}\n\nEvery story of the level merged, but these checks fail on the integration branch (your working directory):\n\n${checks.join('\n\n')}`;
  }
  const { story } = c;
  return [
    `# Story ${story.id} failed: decide what happens to it`,
    `## ${story.id} — ${story.title}\n\n${story.description}`,
    `### Acceptance criteria\n\n${bullets(story.acceptance)}`,
    `### How it failed\n\n${c.reason}\n\nAttempts: ${c.attempts}. Files its branch changes: ${c.files.length > 0 ? c.files.map(code).join(', ') : 'none'}.${c.replans > 0 ? ` A replan already sent it back ${c.replans} time(s).` : ''} Your working directory is its worktree: ${code('git log')}, ${code('git diff')} and ${code('git status')} show what it did.`,
  ].join('\n\n');
}

/** The first turn: the failure, the plan, the choices and how to answer. */
export function surgeonPrompt({ goal, c, plan }: { goal: string; c: SurgeonCase; plan: PlanState }): string {
  return [
    `You are the Surgeon of a team of coding agents working on one goal: ${goal}`,
    failure(c),
    `## The plan as it stands\n\n${planLines(plan)}`,
    `## What you can propose for the ${caseSubject(c)}\n\n${bullets(actionsFor(c).map((action) => ACTION_HELP[action] ?? action))}`,
    `## Rules for new stories\n\n${bullets(STORY_RULES)}`,
    '## How to work\n\nRead what you need (Read, Grep, Glob, and read-only shell commands: `ls`, `cat`, `grep`, `git log`, `git show`, `git diff`, `git status`). Change nothing.',
    '## Answer\n\nAnswer with one JSON object in the required schema (`action`, `reason`, and `guidance` or `stories` as the action needs), and nothing else.',
  ].join('\n\n');
}

/** A repair turn in the same session: why the answer cannot be used. */
export const repairSurgeonPrompt = ({ issues }: { issues: readonly string[] }): string =>
  `Your answer cannot be used:\n\n${bullets(issues)}\n\nFix every problem and answer again with the whole JSON object in the required schema, and nothing else.\n`;
