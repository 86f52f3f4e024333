// The plan file of docs/cli.md "Plan file": schema, loading, the graph rules, and the run branch named after it.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { validatePlanGraph } from '../machines/dag.js';
import type { DagStory } from '../machines/dag.js';
import { isInsideRelativePath } from './config/schema.js';
import { planSchemaIssues } from './plan-issues.js';
import type { PlanIssue } from './plan-issues.js';
import { oneLine, stripControl } from './text.js';

// Plan text reaches terminals, prompts and commit messages: one-line fields lose breaks, none keeps escape codes.
const line = z.string().overwrite(oneLine).min(1);
const paragraph = z.string().overwrite(stripControl).trim().min(1);

// Ids name branches, worktree folders and actor ids, so they stay filename- and ref-safe.
const storyId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { abort: true })
  // What else git refuses in a branch name made of those characters (git check-ref-format).
  .refine((id) => !id.includes('..') && !id.endsWith('.') && !id.endsWith('.lock'), {
    error: (issue) =>
      `"${String(issue.input)}" must not contain ".." nor end with "." or ".lock" (the id names a git branch)`,
  })
  // The run's integration worktree sits beside the story worktrees under this name.
  .refine((id) => id !== 'integration', { error: '"integration" is reserved for the run\'s integration worktree' });

// Declared writes feed collision warnings inside this repository; a path outside it is a mistake.
const writePath = line.refine(isInsideRelativePath, {
  error: (issue) =>
    `"${String(issue.input)}" is outside the repository (write paths are relative to its root, without "..")`,
});

export const planStorySchema = z.strictObject({
  id: storyId,
  title: line,
  description: paragraph,
  dependsOn: z.array(z.string()),
  acceptance: z.array(paragraph),
  writes: z.array(writePath).optional(),
  tier: z.enum(['light', 'standard', 'heavy']).optional(),
});

/** Unknown keys are refused: a typo (`dependOn`) silently ignored would run stories in the wrong order. */
export const planSchema = z.strictObject({
  goal: line,
  branch: line.optional(),
  stories: z.array(planStorySchema),
});

export type Plan = z.infer<typeof planSchema>;
export type PlanStory = z.infer<typeof planStorySchema>;
export type { PlanIssue };

/** A plan that cannot be used; `issues` says which story broke which rule, and the message lists every one. */
export class PlanError extends Error {
  override readonly name = 'PlanError';
  readonly source: string;
  readonly issues: readonly PlanIssue[];

  constructor(source: string, issues: readonly PlanIssue[], options?: ErrorOptions) {
    const only = issues.length === 1 ? issues[0] : undefined;
    const lines = only ? ` ${only.message}` : `\n${issues.map((issue) => `  ${issue.message}`).join('\n')}`;
    super(`Invalid plan ${source}:${lines}`, options);
    this.source = source;
    this.issues = issues;
  }
}

const usableId = (id: string): boolean => storyId.safeParse(id).success;

export type PlanCheck =
  { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly issues: PlanIssue[] };

const stringsIn = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/**
 * The graph as far as a plan that fails its schema shows it: undefined while a story has no string id to name it by.
 * Only an empty acceptance list is left for the graph rules to report; any other fault there is the schema's.
 */
function graphOf(value: unknown): DagStory[] | undefined {
  const stories = typeof value === 'object' && value !== null ? Reflect.get(value, 'stories') : undefined;
  if (!Array.isArray(stories)) return undefined;
  const graph: DagStory[] = [];
  for (const story of stories as unknown[]) {
    const field = (key: string): unknown =>
      typeof story === 'object' && story !== null ? Reflect.get(story, key) : undefined;
    const id = field('id');
    if (typeof id !== 'string') return undefined;
    const acceptance = field('acceptance');
    const empty = Array.isArray(acceptance) && acceptance.length === 0;
    graph.push({ id, dependsOn: stringsIn(field('dependsOn')), acceptance: empty ? [] : ['(checked by the schema)'] });
  }
  return graph;
}

/** Schema then graph rules, all listed at once, as data, so one repair turn of the planner can fix every one. */
export function checkPlan(value: unknown): PlanCheck {
  const parsed = planSchema.safeParse(value);
  if (!parsed.success) {
    const graph = graphOf(value);
    const graphIssues = graph === undefined ? [] : validatePlanGraph(graph);
    return { ok: false, issues: [...planSchemaIssues(parsed.error, value, usableId), ...graphIssues] };
  }
  const issues = validatePlanGraph(parsed.data.stories);
  return issues.length === 0 ? { ok: true, plan: parsed.data } : { ok: false, issues: [...issues] };
}

// V8 shows 10 characters either side of an unexpected token instead of its position.
const V8_CONTEXT = 10;

// Where JSON.parse stopped, from V8's message: an explicit position, the end, or the token's quoted context.
function errorOffset(body: string, reason: string): number | undefined {
  const position = /at position (\d+)/.exec(reason)?.[1];
  if (position !== undefined) return Number(position);
  if (reason.startsWith('Unexpected end of JSON input')) return body.length;
  const token = /^Unexpected token '(.+?)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(reason);
  if (token === null) return undefined;
  const [, char = '', lead, context = '', trail] = token;
  if (lead !== undefined) {
    const start = trail === undefined ? body.length - context.length : body.indexOf(context);
    return start < 0 ? undefined : start + V8_CONTEXT;
  }
  return trail === undefined ? Math.max(0, body.indexOf(char)) : context.length - V8_CONTEXT;
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

/** Parses plan JSON text (from a file named `source`) and checks it; throws PlanError. */
export function parsePlan(text: string, source: string): Plan {
  const body = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const offset = errorOffset(body, reason);
    const where = offset === undefined ? '' : lineColumn(body, offset);
    throw new PlanError(source, [{ rule: 'invalid-json', message: `not valid JSON${where} (${reason})` }], {
      cause: error,
    });
  }
  const result = checkPlan(value);
  if (!result.ok) throw new PlanError(source, result.issues);
  return result.plan;
}

/** Reads and validates the plan file at `path`; every failure is a PlanError. */
export async function loadPlan(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PlanError(path, [{ rule: 'unreadable', message: `cannot read the file (${reason})` }], { cause: error });
  }
  return parsePlan(text, path);
}

const SLUG_MAX = 40;

/** A branch-safe slug: lowercase a-z, 0-9 and single dashes, at most 40 characters, "run" when nothing is left. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'run' : cutAtWord(slug);
}

// Cuts at the last dash that keeps at least half the length, else hard at the limit.
function cutAtWord(slug: string): string {
  if (slug.length <= SLUG_MAX) return slug;
  const dash = slug.slice(0, SLUG_MAX + 1).lastIndexOf('-');
  const cut = dash >= SLUG_MAX / 2 ? slug.slice(0, dash) : slug.slice(0, SLUG_MAX);
  return cut.replace(/-+$/, '');
}

/** The run's integration branch: `baro/<slug>` of the plan's branch (a leading `baro/` is not doubled) or of its goal. */
export function branchForPlan(plan: Pick<Plan, 'goal' | 'branch'>): string {
  const name = plan.branch === undefined ? plan.goal : plan.branch.replace(/^baro\//, '');
  return `baro/${slugify(name)}`;
}
