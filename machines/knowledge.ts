// What the Librarian knows: facts distilled from every story's tool calls, shared as plain JSON data.
import { changeLines, commandLines, fileLines, fitToBytes, searchLines } from './knowledge-brief.js';
import type { CommandLabel } from './knowledge-commands.js';
import { observeChange, observeCommand, observeRead, observeSearch } from './knowledge-observe.js';

/** One finished tool call of one story, as the Librarian receives it. */
export interface ToolObservation {
  readonly storyId: string;
  /** The story's worktree; paths are stored relative to it so two stories share one fact. */
  readonly root: string;
  readonly kind: 'read' | 'search' | 'edit' | 'write' | 'bash' | 'other';
  readonly name: string;
  readonly paths: readonly string[];
  readonly pattern?: string | undefined;
  readonly command?: string | undefined;
  readonly ok: boolean;
  readonly exitCode?: number | undefined;
  /** The result text; for Read, the file content. */
  readonly text: string;
  /** Search hits. */
  readonly files?: readonly string[] | undefined;
  readonly fileSize?: number | undefined;
}

export interface FileFact {
  readonly size: number;
  readonly declarations: readonly string[];
  readonly readBy: readonly string[];
}

export interface SearchFact {
  readonly pattern: string;
  readonly scope?: string;
  readonly files: readonly string[];
  readonly by: readonly string[];
}

export interface CommandFact {
  readonly label: CommandLabel;
  readonly reveals: string;
  readonly ok: boolean;
  readonly exitCode?: number;
  readonly by: readonly string[];
  readonly lastBy: string;
}

/** Plain JSON-serialisable; keyed by worktree-relative path, search key, command, path. */
export interface Knowledge {
  readonly files: Readonly<Record<string, FileFact>>;
  readonly searches: Readonly<Record<string, SearchFact>>;
  readonly commands: Readonly<Record<string, CommandFact>>;
  readonly changes: Readonly<Record<string, readonly string[]>>;
}

export interface Fact {
  readonly kind: 'file' | 'search' | 'command' | 'change';
  readonly key: string;
  readonly summary: string;
  readonly storyId: string;
}

export interface Observed {
  readonly knowledge: Knowledge;
  /** Only facts that are new or changed by this observation. */
  readonly added: Fact[];
}

export function emptyKnowledge(): Knowledge {
  return { files: {}, searches: {}, commands: {}, changes: {} };
}

/** Folds one tool call into the knowledge; `added` is empty when it taught nothing new. */
export function observe(knowledge: Knowledge, obs: ToolObservation): Observed {
  switch (obs.kind) {
    case 'read':
      return observeRead(knowledge, obs);
    case 'search':
      return observeSearch(knowledge, obs);
    case 'edit':
    case 'write':
      return observeChange(knowledge, obs);
    case 'bash':
      return observeCommand(knowledge, obs);
    case 'other':
      return { knowledge, added: [] };
  }
}

export interface BriefOptions {
  /** The story being briefed; facts only it produced are left out. */
  readonly forStory: string;
  readonly maxBytes?: number;
  /** Fact lines the story already got in an earlier brief. */
  readonly omit?: ReadonlySet<string>;
}

/** Markdown "What other agents already learned", most useful first, at most `maxBytes` (default 4 KB) cut on a line; '' when there is nothing to tell or no fact fits. */
export function renderBrief(knowledge: Knowledge, options: BriefOptions): string {
  const { forStory, maxBytes = 4096, omit } = options;
  const fresh = (lines: readonly string[]) => (omit === undefined ? lines : lines.filter((line) => !omit.has(line)));
  return fitToBytes(
    [
      { title: 'Project commands (last result)', lines: fresh(commandLines(knowledge, forStory)) },
      { title: 'Files other stories changed', lines: fresh(changeLines(knowledge, forStory)) },
      { title: 'Files read (size: declarations)', lines: fresh(fileLines(knowledge, forStory)) },
      { title: 'Searches', lines: fresh(searchLines(knowledge, forStory)) },
    ],
    maxBytes,
  );
}
