// Building a scripted model: replies made of the real CLI's own tools (Write, Edit, Read, Bash, StructuredOutput).
import { join } from 'node:path';
import type { Block, Reply } from './replies.js';
import type { ApiRole, ApiTurn } from './turn.js';

/** The model: one reply for each request, decided from what the request holds. */
export type Script = (turn: ApiTurn) => Reply;

/** One step of a session, given the turn so that file paths can be made absolute in the agent's cwd. */
export type Step = (turn: ApiTurn) => Reply;

const message = (...blocks: Block[]): Reply => ({ kind: 'message', blocks });
const tool = (name: string, input: Record<string, unknown>): Block => ({ type: 'tool_use', name, input });

// Read, Edit and Write take absolute paths only (docs/claude-cli.md §10).
const at = (turn: ApiTurn, path: string): string => join(turn.cwd, path);

export const say =
  (text: string): Step =>
  () =>
    message({ type: 'text', text });

export const read =
  (path: string): Step =>
  (turn) =>
    message(tool('Read', { file_path: at(turn, path) }));

export const write =
  (path: string, content: string): Step =>
  (turn) =>
    message({ type: 'text', text: `Writing ${path}.` }, tool('Write', { file_path: at(turn, path), content }));

export const grep =
  (pattern: string): Step =>
  (turn) =>
    message(tool('Grep', { pattern, path: turn.cwd, output_mode: 'files_with_matches' }));

export const edit =
  (path: string, oldString: string, newString: string): Step =>
  (turn) =>
    message(tool('Edit', { file_path: at(turn, path), old_string: oldString, new_string: newString }));

export const bash =
  (command: string): Step =>
  () =>
    message(tool('Bash', { command, description: `Run ${command}` }));

/** The answer of a `--json-schema` session: the CLI copies the input into `result.structured_output`. */
export const structured =
  (value: Readonly<Record<string, unknown>>): Step =>
  () =>
    message(tool('StructuredOutput', value));

export const usageLimit =
  (resetsAt: number): Step =>
  () => ({ kind: 'usage_limit', resetsAt });

export const hold: Step = () => ({ kind: 'hold' });

/**
 * A session played step by step: step k answers after k tool results (docs/claude-cli.md §10); past the last step it says it is done.
 * A resumed session continues the count from its history.
 */
export function steps(list: readonly Step[], done = 'Done.'): Step {
  return (turn) => (list[turn.step] ?? say(done))(turn);
}

/** Like `steps`, counted from the latest prompt: what a resumed session does for its new prompt. */
export function promptSteps(list: readonly Step[], done = 'Done.'): Step {
  return (turn) => (list[turn.stepInPrompt] ?? say(done))(turn);
}

/** Baro's story sessions by story id; requests from any other session (titles, side tasks) get a short text. */
export function byStory(stories: Readonly<Record<string, Step>>, other: Step = say('OK.')): Script {
  return (turn) => (turn.storyId === undefined ? other : (stories[turn.storyId] ?? other))(turn);
}

/** One script per agent role (planner, story, resolver, critic, surgeon); any role left out gets a short text. */
export function byRole(roles: Readonly<Partial<Record<ApiRole, Script>>>, other: Step = say('OK.')): Script {
  return (turn) => (roles[turn.role] ?? other)(turn);
}

/** A session that changes its script once resumed (a second prompt in its history). */
export function untilResumed(first: Step, resumed: Step): Step {
  return (turn) => (turn.prompts.length > 1 ? resumed : first)(turn);
}

/** A session whose latest prompt starts with `heading` plays `then`; any other prompt plays `otherwise`. */
export function onPrompt(heading: string, then: Step, otherwise: Step): Step {
  return (turn) => ((turn.prompts.at(-1) ?? '').startsWith(heading) ? then : otherwise)(turn);
}
