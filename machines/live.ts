// What the Sentry, the Librarian and the participants say to a running story: short messages, each naming its source
// and what to do.

export type LiveSource = 'sentry' | 'librarian' | 'participant';

/** `collision`: another running story edits the same file; `merged`: a file the story used changed on the integration
 * branch; `command`: a project command's result changed after a merge; `tell`: a participant's own words. */
export type LiveKind = 'collision' | 'merged' | 'command' | 'tell';

export interface LiveMessage {
  readonly from: LiveSource;
  readonly kind: LiveKind;
  /** Equal keys say the same thing: a story hears each key once. */
  readonly key: string;
  readonly text: string;
}

/** Sent to a story; delivered live while its agent works, else kept for its next prompt. */
export interface StoryTellEvent {
  readonly type: 'story.tell';
  readonly message: LiveMessage;
}

/** A live message stays short: it lands in the middle of the agent's work. */
export const MAX_LIVE_BYTES = 600;

/** Stories hear at most this many live messages unless the config says otherwise (`live.maxMessages`). */
export const DEFAULT_LIVE_MESSAGES = 6;

const encoder = new TextEncoder();
// Files or stories a message names before it says "and N more".
const SHOWN_NAMES = 5;
// Characters of one path or command a message shows: a longer one is shortened so what to do still fits.
const MAX_NAME = 120;

/** `text` cut on a character so its UTF-8 form fits `maxBytes`, with an ellipsis when cut. */
export function fitBytes(text: string, maxBytes = MAX_LIVE_BYTES): string {
  if (encoder.encode(text).length <= maxBytes) return text;
  let out = '';
  let used = encoder.encode('…').length;
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (used + size > maxBytes) break;
    out += char;
    used += size;
  }
  return `${out}…`;
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const short = (sha: string) => sha.slice(0, 8);
const fits = (text: string) => encoder.encode(text).length <= MAX_LIVE_BYTES;
/** A path keeps its end (the file's name), a command its start; counted in characters, never splitting one. */
function pathName(path: string): string {
  const chars = [...path];
  return code(chars.length > MAX_NAME ? `…${chars.slice(1 - MAX_NAME).join('')}` : path);
}
function commandName(command: string): string {
  const chars = [...command];
  return code(chars.length > MAX_NAME ? `${chars.slice(0, MAX_NAME - 1).join('')}…` : command);
}

function fileList(files: readonly string[], shown: number): string {
  const more = files.length > shown ? ` and ${files.length - shown} more` : '';
  return `${files.slice(0, shown).map(pathName).join(', ')}${more}`;
}

function message(from: LiveSource, kind: LiveKind, key: string, text: string): LiveMessage {
  return { from, kind, key, text: fitBytes(text) };
}

/** A participant's `tell` (docs/participants.md), signed with its name; the same words twice are heard once. */
export function participantMessage(name: string, text: string): LiveMessage {
  return message('participant', 'tell', `participant:${name}:${text}`, `From the participant ${name}: ${text}`);
}

/** To a story editing `path` that other running stories edit too. */
export function collisionMessage(path: string, others: readonly string[]): LiveMessage {
  const who = others.join(' and ');
  return message(
    'sentry',
    'collision',
    `collision:${path}`,
    `baro Sentry: ${who} ${others.length === 1 ? 'is' : 'are'} editing ${pathName(path)} at the same time as you. Keep your change to that file small and in one place, do not reformat or reorder it, and do not undo their changes: baro merges both.`,
  );
}

export interface MergeNews {
  readonly by: string;
  readonly sha: string;
  /** The merged files this story read or edited. */
  readonly files: readonly string[];
}

/** To a story that read or edited files another story just merged onto the integration branch. */
export function mergedMessage(news: MergeNews): LiveMessage {
  const first = news.files[0] ?? '';
  const say = (shown: number) =>
    `baro Librarian: ${news.by} changed ${fileList(news.files, shown)}, which you used, and merged it as commit ${short(news.sha)}. Your worktree still has the old version: read the new one with ${code(`git show ${short(news.sha)}:${first}`)} and keep your work compatible with it. Do not merge or rebase yourself; baro does.`;
  // Fewer files named, rather than the end of what to do cut off.
  let shown = Math.min(SHOWN_NAMES, news.files.length);
  while (shown > 1 && !fits(say(shown))) shown -= 1;
  return message('librarian', 'merged', `merged:${news.sha}`, say(shown));
}

export interface CommandNews {
  readonly command: string;
  readonly ok: boolean;
  readonly exitCode: number | undefined;
  /** The story whose run of the command gave the new result. */
  readonly by: string;
  /** The merges since the command's earlier run, oldest first: any of them may have changed its result. */
  readonly after: readonly { readonly storyId: string; readonly sha: string }[];
}

function mergesText(merges: CommandNews['after']): string {
  const last = merges.at(-1);
  if (last === undefined) return 'after a merge';
  if (merges.length === 1) return `after ${last.storyId} merged ${short(last.sha)}`;
  const names = merges.slice(-SHOWN_NAMES).map((merge) => merge.storyId);
  const more = merges.length > SHOWN_NAMES ? `${merges.length - SHOWN_NAMES} more, ` : '';
  return `after ${more}${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''} merged (the last as ${short(last.sha)})`;
}

/** To a story that ran a project command whose result changed after a merge. */
export function commandMessage(news: CommandNews): LiveMessage {
  const now = news.ok ? 'passes' : `fails${news.exitCode === undefined ? '' : ` (exit ${news.exitCode})`}`;
  const before = news.ok ? 'failed' : 'passed';
  const after = mergesText(news.after);
  const todo = news.ok
    ? 'If you were working around that failure, you may not need to any more.'
    : 'Run it again before you finish and make sure your change is not the cause; baro merges your work onto that result.';
  return message(
    'librarian',
    'command',
    `command:${news.command}:${news.ok ? 'ok' : 'failed'}`,
    `baro Librarian: ${commandName(news.command)} ${before} when you ran it and now ${now} for ${news.by}, ${after}. ${todo}`,
  );
}
