// Readies a new story worktree: the configured files copied in from the repository, then the setup commands run.
import { createWriteStream } from 'node:fs';
import { cp, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { outputExcerpt, runShellCommand } from './shell-command.js';
import type { ShellCommandEnd } from './shell-command.js';

export interface WorktreeSetupInput {
  readonly repoDir: string;
  readonly worktree: string;
  /** Paths relative to the repository root; missing ones are skipped (the CLI warned about them at the start). */
  readonly copy: readonly string[];
  readonly commands: readonly string[];
  /** The commands' complete environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Every command's output is appended here (parent folders are created). */
  readonly logPath: string;
  readonly signal?: AbortSignal | undefined;
}

export type WorktreeSetupResult =
  { readonly kind: 'ok' } | { readonly kind: 'failed'; readonly command: string; readonly reason: string };

/** Each setup command's limit: long enough for a cold `npm ci`, short enough that a hung one ends. */
export const SETUP_TIMEOUT_MS = 20 * 60_000;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Copies each path that exists in the repository to the same place in the worktree (folders recursively). */
export async function copyIntoWorktree(input: Pick<WorktreeSetupInput, 'repoDir' | 'worktree' | 'copy'>) {
  for (const path of input.copy) {
    const from = join(input.repoDir, path);
    if (!(await exists(from))) continue;
    const to = join(input.worktree, path);
    await mkdir(dirname(to), { recursive: true });
    await cp(from, to, { recursive: true, force: true });
  }
}

function failureReason(command: string, end: ShellCommandEnd, timeoutMs: number, logPath: string): string {
  const how =
    end.stoppedBy === 'timeout'
      ? `did not finish within ${Math.round(timeoutMs / 1000)} s`
      : end.signal !== undefined
        ? `was ended by ${end.signal}`
        : `exited with code ${end.exitCode ?? 'unknown'}`;
  const tail = outputExcerpt(end.output);
  return `worktree setup command \`${command}\` ${how} (full output: ${logPath})${tail === '' ? '' : `:\n${tail}`}`;
}

/** Copies the configured files, then runs each command in order; the first failure ends the setup. */
export async function setUpWorktree(input: WorktreeSetupInput): Promise<WorktreeSetupResult> {
  await copyIntoWorktree(input);
  if (input.commands.length === 0) return { kind: 'ok' };
  await mkdir(dirname(input.logPath), { recursive: true });
  const log = createWriteStream(input.logPath, { flags: 'a' });
  try {
    for (const command of input.commands) {
      log.write(`$ ${command}\n`);
      const end = await runShellCommand({
        command,
        cwd: input.worktree,
        env: input.env,
        timeoutMs: input.timeoutMs,
        signal: input.signal,
        onOutput: (chunk) => log.write(chunk),
      });
      if (end.stoppedBy === 'abort') throw new Error(`worktree setup \`${command}\` was stopped`);
      if (end.exitCode !== 0 || end.stoppedBy !== undefined)
        return { kind: 'failed', command, reason: failureReason(command, end, input.timeoutMs, input.logPath) };
    }
    return { kind: 'ok' };
  } finally {
    await new Promise<void>((resolveClose) => log.end(resolveClose));
  }
}
