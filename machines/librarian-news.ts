// What the Librarian tells running stories: a merge that changed files they used, a command whose result changed.
import { commandMessage, mergedMessage } from './live.js';
import type { LiveMessage } from './live.js';
import type { Knowledge } from './knowledge.js';

/** A story merged onto the integration branch. */
export interface MergeRecord {
  readonly storyId: string;
  readonly sha: string;
  readonly files: readonly string[];
}

export interface News {
  readonly storyId: string;
  readonly message: LiveMessage;
}

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Every other story that read or edited one of the merged files hears which, by whom, and the merge commit. */
export function mergeNews(knowledge: Knowledge, merge: MergeRecord): News[] {
  const used = new Map<string, string[]>();
  for (const path of merge.files) {
    const readers = own(knowledge.files, path)?.readBy ?? [];
    const editors = own(knowledge.changes, path) ?? [];
    for (const storyId of new Set([...readers, ...editors])) {
      if (storyId !== merge.storyId) used.set(storyId, [...(used.get(storyId) ?? []), path]);
    }
  }
  return [...used].map(([storyId, files]) => ({
    storyId,
    message: mergedMessage({ by: merge.storyId, sha: merge.sha, files }),
  }));
}

/** The commands an observation ran: the keys whose fact it rewrote. */
export function commandsRun(before: Knowledge, after: Knowledge): string[] {
  return Object.keys(after.commands).filter((key) => own(before.commands, key) !== own(after.commands, key));
}

export interface CommandRun {
  readonly before: Knowledge;
  readonly after: Knowledge;
  readonly key: string;
  /** Merges known when the command last ran, and now. */
  readonly mergesAtLastRun: number;
  readonly merges: readonly MergeRecord[];
}

/** When a command's result flipped and a merge happened since its last run, the other stories that ran it hear it. */
export function commandNews(run: CommandRun): News[] {
  const previous = own(run.before.commands, run.key);
  const current = own(run.after.commands, run.key);
  if (previous === undefined || current === undefined || previous.ok === current.ok) return [];
  if (run.mergesAtLastRun >= run.merges.length) return [];
  const message = commandMessage({
    command: run.key,
    ok: current.ok,
    exitCode: current.exitCode,
    by: current.lastBy,
    after: run.merges.slice(run.mergesAtLastRun).map(({ storyId, sha }) => ({ storyId, sha })),
  });
  return current.by.filter((storyId) => storyId !== current.lastBy).map((storyId) => ({ storyId, message }));
}
