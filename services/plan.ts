// The plan file of docs/cli.md "Plan file": schema, loading, the graph rules, and the run branch named after it.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { validatePlanGraph } from '../machines/dag.js';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

// Ids name branches, worktree folders and actor ids, so they stay filename- and ref-safe.
const storyId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    abort: true,
  })
  // What else git refuses in a branch name made of those characters (git check-ref-format).
  .refine((id) => !id.includes('..') && !id.endsWith('.') && !id.endsWith('.lock'), {
    error: (issue) =>
      `"${String(issue.input)}" must not contain ".." nor end with "." or ".lock" (it names a git branch)`,
  })
  // The run's integration worktree sits beside the story worktrees under this name.
  .refine((id) => id !== 'integration', { error: '"integration" is reserved for the run\'s integration worktree' });

export const planStorySchema = z.object({
  id: storyId,
  title: nonEmpty,
  description: nonEmpty,
  dependsOn: z.array(z.string()),
  acceptance: z.array(nonEmpty),
  writes: z.array(nonEmpty).optional(),
  tier: z.enum(['light', 'standard', 'heavy']).optional(),
});

/** Unknown keys are stripped, so a plan written by a newer baro or a chatty planner still loads. */
export const planSchema = z.object({
  goal: nonEmpty,
  branch: nonEmpty.optional(),
  stories: z.array(planStorySchema),
});

export type Plan = z.infer<typeof planSchema>;
export type PlanStory = z.infer<typeof planStorySchema>;

export interface PlanIssue {
  readonly storyId?: string;
  readonly rule: string;
  readonly message: string;
}

const NEXT_STEP = 'fix the plan or run without --plan to let baro plan';
const SHOWN_ISSUES = 5;

/** A plan file that cannot be used; `issues` says which story broke which rule. */
export class PlanError extends Error {
  override readonly name = 'PlanError';
  readonly source: string;
  readonly issues: readonly PlanIssue[];

  constructor(source: string, issues: readonly PlanIssue[], options?: ErrorOptions) {
    const shown = issues.slice(0, SHOWN_ISSUES).map((issue) => issue.message);
    const more = issues.length > SHOWN_ISSUES ? `; and ${issues.length - SHOWN_ISSUES} more problems` : '';
    super(`Invalid plan ${source}: ${shown.join('; ')}${more} — ${NEXT_STEP}`, options);
    this.source = source;
    this.issues = issues;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? 'plan' : out;
}

// The id of the story a schema issue sits in, when that story has a usable id.
function storyIdAt(value: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'stories' || typeof path[1] !== 'number') return undefined;
  const stories: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, 'stories') : undefined;
  const story: unknown = Array.isArray(stories) ? stories[path[1]] : undefined;
  const id: unknown = typeof story === 'object' && story !== null ? Reflect.get(story, 'id') : undefined;
  return typeof id === 'string' && storyId.safeParse(id).success ? id : undefined;
}

export type PlanCheck =
  { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly issues: PlanIssue[] };

/** Schema then graph rules, as data, so the planner's repair loop can send the issues back. */
export function checkPlan(value: unknown): PlanCheck {
  const parsed = planSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue): PlanIssue => {
      const where = formatPath(issue.path);
      const id = storyIdAt(value, issue.path);
      const message = `${id === undefined ? '' : `story ${id}: `}${where}: ${issue.message}`;
      return id === undefined ? { rule: 'schema', message } : { storyId: id, rule: 'schema', message };
    });
    return { ok: false, issues };
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
