// Runs one verification command in a worktree: its own process group, a timeout, and a result the report can show.
import type { VerifyResult } from '../../machines/types.js';
import { outputExcerpt, runShellCommand } from '../shell-command.js';
import { missingProgram } from './program.js';

export interface CheckInput {
  readonly command: string;
  readonly cwd: string;
  /** The command's complete environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

// What sh answers when it cannot find or execute the program.
const SHELL_NOT_FOUND = 127;
const SHELL_NOT_EXECUTABLE = 126;

/** Passed on exit 0; failed on any other end; not run when the program is missing. */
export async function runCheck(input: CheckInput): Promise<VerifyResult> {
  const missing = await missingProgram(input.command, input.cwd, input.env['PATH']);
  if (missing !== undefined)
    return { command: input.command, status: 'notRun', exitCode: null, durationMs: 0, tail: missing };
  const end = await runShellCommand(input);
  if (end.stoppedBy === 'abort') throw new Error(`the check \`${input.command}\` was stopped`);
  const tail = outputExcerpt(end.output);
  if (end.exitCode === SHELL_NOT_FOUND || end.exitCode === SHELL_NOT_EXECUTABLE)
    return { command: input.command, status: 'notRun', exitCode: end.exitCode, durationMs: end.durationMs, tail };
  if (end.stoppedBy === 'timeout') {
    const note = `did not finish within ${Math.round(input.timeoutMs / 1000)} s`;
    return {
      command: input.command,
      status: 'failed',
      exitCode: null,
      durationMs: end.durationMs,
      tail: tail === '' ? note : `${tail}\n(${note})`,
      timedOut: true,
    };
  }
  return {
    command: input.command,
    status: end.exitCode === 0 ? 'passed' : 'failed',
    exitCode: end.exitCode ?? null,
    durationMs: end.durationMs,
    tail: end.exitCode === undefined && end.signal !== undefined ? `${tail}\n(ended by ${end.signal})`.trim() : tail,
  };
}
