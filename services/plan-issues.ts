// The plan schema's zod issues said in the plan's own terms: which story, which field, what it expects, what it got.
import type { z } from 'zod';
import { describeValue } from './config/issues.js';
import { closest } from './suggest.js';

/** What each field of a plan accepts, in plain words (docs/cli.md "Plan file"). */
export const PLAN_EXPECTS: Readonly<Record<string, string>> = {
  '': 'a JSON object with goal and stories',
  goal: 'the goal as text',
  branch: 'a branch name as text',
  stories: 'a list of stories',
  'stories[]': 'a story: an object with id, title, description, dependsOn and acceptance',
  id: 'an id of 1-64 letters, digits, ".", "_" or "-"',
  title: 'a title as text',
  description: 'a description as text',
  dependsOn: 'a list of story ids (an empty list [] when it depends on none)',
  'dependsOn[]': 'a story id',
  acceptance: 'a list of checkable criteria as texts',
  'acceptance[]': 'a criterion as text',
  writes: 'a list of paths inside the repository',
  'writes[]': 'a path inside the repository, relative to its root (not absolute, no "..")',
  tier: 'one of light, standard, heavy',
};

export const PLAN_KEYS = ['goal', 'branch', 'stories'] as const;
export const STORY_KEYS = ['id', 'title', 'description', 'dependsOn', 'acceptance', 'writes', 'tier'] as const;

export interface PlanIssue {
  readonly storyId?: string;
  readonly rule: string;
  readonly message: string;
}

function at(value: unknown, key: PropertyKey): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

/** `story S2` when the story has a usable id, else `story #2` (its place in the list). */
function storyLabel(root: unknown, index: number, usableId: (id: string) => boolean): { label: string; id?: string } {
  const id = at(at(at(root, 'stories'), index), 'id');
  return typeof id === 'string' && usableId(id) ? { label: `story ${id}`, id } : { label: `story #${index + 1}` };
}

/** The field named in a path inside a story or the plan: `acceptance`, `writes[2]`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** The PLAN_EXPECTS key of a field path: list items share one entry. */
function expectsKey(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? '[]' : String(key))).join('');
}

function describeIssue(
  issue: z.core.$ZodIssue,
  story: string | undefined,
  field: readonly PropertyKey[],
  got: unknown,
): string[] {
  if (issue.code === 'unrecognized_keys') {
    const known = story === undefined ? PLAN_KEYS : STORY_KEYS;
    return issue.keys.map((key) => {
      const near = closest(key, known);
      const hint = near === undefined ? `known keys: ${known.join(', ')}` : `did you mean "${near}"?`;
      return `${story ?? 'the plan'}: unknown key "${key}" (${hint})`;
    });
  }
  const name = fieldName(field);
  const key = story !== undefined && field.length === 0 ? 'stories[]' : expectsKey(field);
  const expects = PLAN_EXPECTS[key] ?? issue.message;
  const quoted = `"${name}"`;
  const subject =
    story === undefined ? (name === '' ? 'the plan' : quoted) : name === '' ? story : `${story}: ${quoted}`;
  if (issue.code === 'custom') return [`${subject}: ${issue.message}`];
  if (got === undefined) return [`${subject} is missing: expected ${expects}`];
  if (issue.code === 'too_small' && typeof got === 'string') return [`${subject} is empty: expected ${expects}`];
  return [`${subject}: expected ${expects}, got ${describeValue(got)}`];
}

/** Every schema issue as a PlanIssue naming the story and the field. */
export function planSchemaIssues(error: z.ZodError, value: unknown, usableId: (id: string) => boolean): PlanIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path;
    let got: unknown = value;
    for (const key of path) got = at(got, key);
    if (path[0] === 'stories' && typeof path[1] === 'number') {
      const { label, id } = storyLabel(value, path[1], usableId);
      const messages = describeIssue(issue, label, path.slice(2), got);
      return messages.map((message) =>
        id === undefined ? { rule: 'schema', message } : { storyId: id, rule: 'schema', message },
      );
    }
    return describeIssue(issue, undefined, path, got).map((message) => ({ rule: 'schema', message }));
  });
}
