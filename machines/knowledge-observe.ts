// How each kind of tool call turns into facts; every function returns new knowledge and only new or changed facts.
import { classifyCommand } from './knowledge-commands.js';
import { extractDeclarations, MAX_DECLARATIONS } from './knowledge-declarations.js';
import { commandInRoot, isWithinRoot, relativeToRoot } from './knowledge-paths.js';
import { formatSize, stripLineNumbers, utf8Length } from './knowledge-text.js';
import type { CommandFact, Fact, FileFact, Knowledge, Observed, SearchFact, ToolObservation } from './knowledge.js';

const MAX_SEARCH_FILES = 50;
const SUMMARY_HITS = 5;

// Own properties only, so a file named `__proto__` or `constructor` is just a key.
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function withId(ids: readonly string[], id: string): readonly string[] {
  return ids.includes(id) ? ids : [...ids, id];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

function relativePaths(root: string, paths: readonly string[]): string[] {
  return [...new Set(paths.flatMap((path) => relativeToRoot(root, path) ?? []))];
}

function fileSummary(path: string, fact: FileFact): string {
  const declares = fact.declarations.length > 0 ? ` declares ${fact.declarations.join(', ')}` : '';
  return `${path} (${formatSize(fact.size)})${declares}`;
}

function searchSummary(fact: SearchFact): string {
  const scope = fact.scope === undefined ? '' : ` in ${fact.scope}`;
  const more = fact.files.length > SUMMARY_HITS ? `, +${fact.files.length - SUMMARY_HITS} more` : '';
  const hits =
    fact.files.length === 0
      ? 'no files'
      : `${fact.files.length} file${fact.files.length === 1 ? '' : 's'}: ${fact.files.slice(0, SUMMARY_HITS).join(', ')}${more}`;
  return `search "${fact.pattern}"${scope} → ${hits}`;
}

/** `passed (exit 0)` or `failed (exit 1)`. */
export function commandResult(fact: Pick<CommandFact, 'ok' | 'exitCode'>): string {
  const code = fact.exitCode === undefined ? '' : ` (exit ${fact.exitCode})`;
  return `${fact.ok ? 'passed' : 'failed'}${code}`;
}

export function observeRead(knowledge: Knowledge, obs: ToolObservation): Observed {
  const path = relativePaths(obs.root, obs.paths)[0];
  if (!obs.ok || path === undefined) return { knowledge, added: [] };
  const content = stripLineNumbers(obs.text);
  const size = obs.fileSize ?? utf8Length(content);
  const found = extractDeclarations(path, content);
  const known = own(knowledge.files, path);
  // A partial read (offset/limit) of an unchanged file adds names instead of replacing them.
  const declarations =
    known?.size === size ? [...new Set([...known.declarations, ...found])].slice(0, MAX_DECLARATIONS) : found;
  const fact: FileFact = { size, declarations, readBy: withId(known?.readBy ?? [], obs.storyId) };
  const files = { ...knowledge.files, [path]: fact };
  const changed = known === undefined || known.size !== size || !sameSet(known.declarations, declarations);
  const added: Fact[] = changed
    ? [{ kind: 'file', key: path, summary: fileSummary(path, fact), storyId: obs.storyId }]
    : [];
  return { knowledge: { ...knowledge, files }, added };
}

// Grep's content mode lists hits as `path:line:text` lines instead of file names.
function hitsInText(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line) => /^(.+?):\d+[:-]/.exec(line)?.[1] ?? (line.startsWith('/') ? [line.trim()] : []));
}

export function observeSearch(knowledge: Knowledge, obs: ToolObservation): Observed {
  const pattern = obs.pattern;
  const scopes = relativePaths(obs.root, obs.paths);
  const outside = obs.paths.some((path) => !isWithinRoot(obs.root, path));
  if (!obs.ok || pattern === undefined || outside) return { knowledge, added: [] };
  const scope = scopes[0];
  const key = scope === undefined ? pattern : `${pattern} in ${scope}`;
  const hits = obs.files !== undefined && obs.files.length > 0 ? obs.files : hitsInText(obs.text);
  const files = relativePaths(obs.root, hits).slice(0, MAX_SEARCH_FILES);
  const known = own(knowledge.searches, key);
  const base = { pattern, files, by: withId(known?.by ?? [], obs.storyId) };
  const fact: SearchFact = scope === undefined ? base : { ...base, scope };
  const changed = known === undefined || !sameSet(known.files, files);
  const added: Fact[] = changed ? [{ kind: 'search', key, summary: searchSummary(fact), storyId: obs.storyId }] : [];
  return { knowledge: { ...knowledge, searches: { ...knowledge.searches, [key]: fact } }, added };
}

export function observeChange(knowledge: Knowledge, obs: ToolObservation): Observed {
  if (!obs.ok) return { knowledge, added: [] };
  let changes = knowledge.changes;
  const added: Fact[] = [];
  for (const path of relativePaths(obs.root, obs.paths)) {
    const known = own(changes, path) ?? [];
    if (known.includes(obs.storyId)) continue;
    const by = [...known, obs.storyId];
    changes = { ...changes, [path]: by };
    added.push({ kind: 'change', key: path, summary: `${path} changed by ${by.join(', ')}`, storyId: obs.storyId });
  }
  return { knowledge: { ...knowledge, changes }, added };
}

export function observeCommand(knowledge: Knowledge, obs: ToolObservation): Observed {
  const classified = obs.command === undefined ? undefined : classifyCommand(commandInRoot(obs.root, obs.command));
  const reported = /^(?:Error: )?Exit code (\d+)/.exec(obs.text)?.[1];
  const exitCode = obs.exitCode ?? (reported === undefined ? (obs.ok ? 0 : undefined) : Number(reported));
  // A failed call with no exit code never ran (denied or blocked), so it says nothing about the project.
  if (classified === undefined || exitCode === undefined) return { knowledge, added: [] };
  const key = classified.command;
  const known = own(knowledge.commands, key);
  const reveals = `${classified.label}: ${key}`;
  const fact: CommandFact = {
    label: classified.label,
    reveals,
    ok: obs.ok,
    exitCode,
    by: withId(known?.by ?? [], obs.storyId),
    lastBy: obs.storyId,
  };
  const changed = known === undefined || known.ok !== fact.ok || known.exitCode !== fact.exitCode;
  const added: Fact[] = changed
    ? [{ kind: 'command', key, summary: `${reveals} → ${commandResult(fact)}`, storyId: obs.storyId }]
    : [];
  return { knowledge: { ...knowledge, commands: { ...knowledge.commands, [key]: fact } }, added };
}
