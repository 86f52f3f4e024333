// The Surgeon's cases and proposals as data: what it may propose, checked with the plan's rules, and the plan change
// each proposal makes; the fixed policy for when it cannot be asked.
import { replan } from './replan.js';
import type { PlanChange } from './replan.js';
import type { StatusMap } from './dag.js';
import type { StoryDef, VerifyResult } from './types.js';

/** What goes to the Surgeon at a level boundary: a story that failed for good, or a failed integration gate. */
export type SurgeonCase =
  | {
      readonly kind: 'story';
      readonly story: StoryDef;
      readonly reason: string;
      readonly attempts: number;
      readonly files: readonly string[];
      /** How often a replan already sent this story back. */
      readonly replans: number;
    }
  | { readonly kind: 'gate'; readonly level: number; readonly failing: readonly VerifyResult[] };

export type SurgeonAction = 'retry' | 'split' | 'drop' | 'fix';

/** `retry` and `split` answer a failed story, `fix` a failed gate, `drop` either. */
export type SurgeonProposal =
  | { readonly action: 'retry'; readonly reason: string; readonly guidance: string }
  | { readonly action: 'split' | 'fix'; readonly reason: string; readonly stories: readonly StoryDef[] }
  | { readonly action: 'drop'; readonly reason: string };

/** The plan as it stands at the boundary. */
export interface PlanState {
  readonly stories: readonly StoryDef[];
  readonly status: StatusMap;
}

/** Who a case is about, as events and prompts name it. */
export function caseSubject(c: SurgeonCase): string {
  return c.kind === 'story' ? c.story.id : 'integration gate';
}

/** One key per thing a case is about: a story, or the integration gate. */
export function caseKey(c: SurgeonCase): string {
  return c.kind === 'story' ? `story:${c.story.id}` : 'gate';
}

const ACTIONS: Readonly<Record<SurgeonCase['kind'], readonly SurgeonAction[]>> = {
  story: ['retry', 'split', 'drop'],
  gate: ['fix', 'drop'],
};

export function actionsFor(c: SurgeonCase): readonly SurgeonAction[] {
  return ACTIONS[c.kind];
}

// The stories of a split no other of them depends on: the failed story's dependents wait for these.
function lastOf(stories: readonly StoryDef[]): string[] {
  return stories.filter((s) => !stories.some((other) => other.dependsOn.includes(s.id))).map((s) => s.id);
}

/** What a proposal changes in the plan; a split story's dependents are moved onto the stories that replace it. */
export function changeOf(c: SurgeonCase, proposal: SurgeonProposal, plan: PlanState): PlanChange<StoryDef> {
  if (proposal.action === 'drop') return { stories: [], drop: [] };
  if (proposal.action === 'retry') return { stories: c.kind === 'story' ? [c.story] : [], drop: [] };
  if (proposal.action === 'fix' || c.kind !== 'story') return { stories: proposal.stories, drop: [] };
  const failed = c.story.id;
  const last = lastOf(proposal.stories);
  const moved = plan.stories
    .filter((story) => story.dependsOn.includes(failed))
    .map((story) => ({
      ...story,
      dependsOn: [...new Set([...story.dependsOn.filter((id) => id !== failed), ...last])],
    }));
  return { stories: [...proposal.stories, ...moved], drop: [], replace: [failed] };
}

// A new story may wait for what merged, what is still to run, or another new story; never for a failure.
function dependencyIssues(story: StoryDef, plan: PlanState, added: ReadonlySet<string>): string[] {
  return story.dependsOn.flatMap((dep) => {
    if (added.has(dep)) return [];
    const status = Object.hasOwn(plan.status, dep) ? plan.status[dep] : undefined;
    if (status === undefined) return [`story ${story.id}: dependsOn names unknown story "${dep}"`];
    if (status === 'merged' || status === 'pending') return [];
    return [`story ${story.id}: dependsOn names ${dep}, which is ${status} and will not merge`];
  });
}

/** Every reason the proposal cannot be applied to the plan; empty when it can. */
export function checkProposal(c: SurgeonCase, proposal: SurgeonProposal, plan: PlanState): string[] {
  if (!actionsFor(c).includes(proposal.action))
    return [
      `"${proposal.action}" does not answer a ${c.kind === 'story' ? 'failed story' : 'failed integration gate'}: answer with one of ${actionsFor(c).join(', ')}`,
    ];
  if (proposal.action === 'retry' || proposal.action === 'drop') return [];
  if (proposal.stories.length === 0) return [`"${proposal.action}" needs at least one new story`];
  const known = new Set(plan.stories.map((story) => story.id));
  const added = new Set(proposal.stories.map((story) => story.id));
  const issues = [
    ...proposal.stories
      .filter((story) => known.has(story.id))
      .map((story) => `story ${story.id}: the id is taken in the plan; give each new story a new id`),
    ...proposal.stories.flatMap((story) => dependencyIssues(story, plan, added)),
  ];
  if (issues.length > 0) return issues;
  const result = replan({ ...plan, level: [] }, changeOf(c, proposal, plan));
  return result.ok ? [] : result.issues.map((issue) => issue.message);
}

function freshId(plan: PlanState, base: string): string {
  const taken = new Set(plan.stories.map((story) => story.id));
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n += 1;
  return `${base}-${n}`;
}

/** The story that fixes a failed gate when the Surgeon cannot write one: make each failing command pass. */
export function gateFixStory(c: Extract<SurgeonCase, { kind: 'gate' }>, plan: PlanState): StoryDef {
  const failing = c.failing.map((check) => check.command);
  const outputs = c.failing.map((check) => `$ ${check.command} (exit ${String(check.exitCode)})\n${check.tail}`);
  return {
    id: freshId(plan, `fix-gate-${c.level + 1}`),
    title: 'Make the integration checks pass again',
    description: `After level ${c.level + 1} merged, these checks fail on the integration branch. Find the cause in the merged work and fix it without undoing any story.\n\n${outputs.join('\n\n')}`,
    dependsOn: [],
    acceptance: failing.map((command) => `\`${command}\` exits 0`),
  };
}

/** The fixed policy when the Surgeon cannot be asked: the first time a retry (or a fix story), then a drop. */
export function fallbackProposal(c: SurgeonCase, earlier: number, why: string, plan: PlanState): SurgeonProposal {
  const reason = `the Surgeon could not answer (${why}); fixed policy`;
  if (earlier > 0) return { action: 'drop', reason: `${reason}: already tried again once` };
  if (c.kind === 'gate') return { action: 'fix', reason, stories: [gateFixStory(c, plan)] };
  return {
    action: 'retry',
    reason,
    guidance: `Your earlier attempt failed: ${c.reason}. Look at what is already done in your worktree, find what stopped you, and finish the story.`,
  };
}
