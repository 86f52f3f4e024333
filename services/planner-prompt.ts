// What baro tells the Planner: the first prompt, the repair and revision turns, and the JSON Schema of its answer.
import { z } from 'zod';
import { planSchema, planStorySchema } from './plan.js';

const bullets = (items: readonly string[]): string => items.map((item) => `- ${item}`).join('\n');

// The planner must declare writes and a tier even though a hand-written plan may leave them out.
const plannerAnswerSchema = planSchema.extend({
  stories: z.array(
    planStorySchema.extend({
      writes: planStorySchema.shape.writes.unwrap(),
      tier: planStorySchema.shape.tier.unwrap(),
    }),
  ),
});

let planJsonSchemaMade: Readonly<Record<string, unknown>> | undefined;

/**
 * The `--json-schema` of the planner's answer: the plan file format, with writes and tier required. Draft-07,
 * because claude 2.1.332 refuses a 2020-12 `$schema` ("not a valid JSON Schema") and exits 1 before any turn.
 * Made once, on the first turn that asks: at module load it delayed every run's start.
 */
export const planJsonSchema = (): Readonly<Record<string, unknown>> =>
  (planJsonSchemaMade ??= z.toJSONSchema(plannerAnswerSchema, { io: 'input', target: 'draft-7' }));

const RULES = [
  'Each story is work ONE coding agent can finish in one session in its own git worktree: a coherent change with its tests, not a whole feature area and not a one-line chore.',
  'Stories run in parallel unless one depends on another. Add a dependency (`dependsOn`) ONLY when a story needs files or code another story creates or changes; never for ordering by taste.',
  'Ids are short and unique (S1, S2, …); every `dependsOn` names a story of this plan; no cycles.',
  'Every story has concrete, checkable acceptance criteria: a command that passes, a file that exports a name, a behaviour a test shows. Never "works well" or "is clean".',
  '`writes` lists the files the story is expected to create or change (paths relative to the repository root, inside it). Two stories of the same level should not write the same file.',
  '`tier` is `light` (small, mechanical), `standard` (usual feature work) or `heavy` (cross-cutting or tricky).',
  '`description` says what to build and where, in enough detail for an agent that has not seen this conversation.',
  '`goal` restates the goal in one line; `branch` is an optional short kebab-case name for the run branch.',
];

/** The first turn: the goal, the repository's map, and how a good plan looks. */
export const draftPlanPrompt = ({ goal, repoSummary }: { goal: string; repoSummary: string }): string =>
  [
    '# Plan this goal for a team of coding agents',
    `Goal: ${goal}`,
    `## The repository\n\n${repoSummary.trim() === '' ? '(no map available: explore it yourself)' : repoSummary.trim()}`,
    `## How to work\n\nYou are the planner. Read the code you need (Read, Grep, Glob, read-only shell commands such as \`git log\` or \`ls\`) to understand where the change goes. Change nothing: you only plan.`,
    `## Rules for the plan\n\n${bullets(RULES)}`,
    '## Answer\n\nAnswer with the plan as JSON in the required schema, and nothing else.',
  ].join('\n\n') + '\n';

/** A repair turn in the same session: what broke the rules, and the request to answer again in full. */
export const repairPlanPrompt = ({ issues }: { issues: readonly string[] }): string =>
  `Your plan cannot be used; it breaks these rules:\n\n${bullets(issues)}\n\nFix every problem and answer again with the whole corrected plan as JSON in the required schema, and nothing else.\n`;

/** A revision turn in the same session: the person's feedback on the plan they were shown. */
export const refinePlanPrompt = ({ feedback }: { feedback: string }): string =>
  `The person reviewing your plan asks for changes:\n\n${feedback.trim()}\n\nRevise the plan accordingly (keep the rules above) and answer with the whole revised plan as JSON in the required schema, and nothing else.\n`;
