// The Bash allowlist for unattended agents: the project's own commands and read-only or committing git, never push.
import type { ToolCall } from './claude/events.js';
import type { ProjectDetection } from './project/detect.js';
import { detectInWorktree } from './project/worktree.js';

const SAFE_GIT = ['git status', 'git diff', 'git log', 'git show', 'git add', 'git commit'];

// A rule is `Bash(<prefix>:*)`; a command with other characters (from a script name) could break out of it.
const RULE_SAFE = /^[\w ./:@=+,-]+$/;

// Words naming a file or folder, which an agent will vary: `./...`, `.`, `src/x`, `App.sln`, `requirements.txt`.
const PATH_LIKE = /^\.|\/|\.(sln|slnx|csproj|fsproj|vbproj|txt)$/;

/** The prefixes a command allows: itself, and itself without trailing paths (`go test ./...` also as `go test`). */
function prefixes(command: string): string[] {
  const words = command.split(' ');
  let end = words.length;
  while (end > 1 && PATH_LIKE.test(words[end - 1] ?? '')) end -= 1;
  return end === words.length ? [command] : [command, words.slice(0, end).join(' ')];
}

// A configured check may chain commands (`make build && make test`): each part is a rule of its own.
const CHAIN = /&&|\|\||;/;

/** `Bash(<command>:*)` rules for `--allowedTools`: safe git, then each command and its path-free prefix. */
export function allowedToolsFor(commands: readonly string[]): string[] {
  const parts = commands.flatMap((command) => command.split(CHAIN).map((part) => part.trim()));
  const allowed = [...SAFE_GIT, ...parts.filter((command) => RULE_SAFE.test(command))].flatMap(prefixes);
  return [...new Set(allowed)].map((command) => `Bash(${command}:*)`);
}

/** The rules for the project in repoDir's working tree: its checks, installs and package scripts, and `verify.commands`. */
export async function defaultAllowedTools(
  repoDir: string,
  verifyCommands: readonly string[] = [],
  detection?: Promise<ProjectDetection>,
): Promise<string[]> {
  return allowedToolsFor([...(await (detection ?? detectInWorktree(repoDir))).runnable, ...verifyCommands]);
}

/** A denied call as the permission rule that would have allowed it: `Bash(make lint)`, `Edit(src/a.ts)`, `WebFetch`. */
export function denialRule(tool: string, call: ToolCall | undefined): string {
  const detail = call?.command ?? call?.paths[0];
  return detail === undefined || detail === '' ? tool : `${tool}(${detail})`;
}
