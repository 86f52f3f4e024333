// The config's zod issues said in the file's own terms: the key path, what it expects, what it got.
import { z } from 'zod';
import { closest } from '../suggest.js';
import { configSchema } from './schema.js';

/** `agent.allowedTools[2]`, or `(the file)` for the top level. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(the file)' : out;
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? unwrap(schema.unwrap() as z.ZodType) : schema;
}

/** The schema at a path of the config, following object keys and list items. */
function schemaAt(path: readonly PropertyKey[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = configSchema;
  for (const key of path) {
    const current: z.ZodType | undefined = schema === undefined ? undefined : unwrap(schema);
    if (current instanceof z.ZodObject && typeof key === 'string') schema = current.shape[key] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray && typeof key === 'number') schema = current.element as z.ZodType;
    else return undefined;
  }
  return schema === undefined ? undefined : unwrap(schema);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

/** A value as a person would name it in a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return JSON.stringify(value);
}

function unknownKeys(issue: z.core.$ZodIssueUnrecognizedKeys): string[] {
  const schema = schemaAt(issue.path);
  const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  return issue.keys.map((key) => {
    const suggestion = closest(key, known);
    const hint = suggestion === undefined ? `known keys: ${known.join(', ')}` : `did you mean ${suggestion}?`;
    return `${keyPath([...issue.path, key])}: unknown key (${hint})`;
  });
}

/** One line per problem, every problem listed. */
export function configProblems(error: z.ZodError, input: unknown): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return unknownKeys(issue);
    const expects =
      issue.path.length === 0 ? 'a JSON object of settings' : (schemaAt(issue.path)?.description ?? issue.message);
    const got = describeValue(valueAt(input, issue.path));
    return [`${keyPath(issue.path)}: expected ${expects}, got ${got}`];
  });
}
