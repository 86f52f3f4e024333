// One shell command in its own process group, with a timeout and an abort: what worktree setup and the checks share.
import { signalGroupIfAlive, terminateGroup } from './claude/process-group.js';

export interface ShellCommandInput {
  readonly command: string;
  readonly cwd: string;
  /** The command's complete environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Each chunk of output (stdout and stderr interleaved), as it comes. */
  readonly onOutput?: ((chunk: Buffer) => void) | undefined;
}

export interface ShellCommandEnd {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly output: string;
  readonly stoppedBy: 'timeout' | 'abort' | undefined;
  readonly durationMs: number;
}

const KILL_GRACE_MS = 5000;
const HEAD_LINES = 6;
const TAIL_LINES = 14;
const LINE_CHARS = 200;

const shortLine = (line: string) => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS - 1)}…` : line);

/**
 * A command's output cut to a failure reason a person can act on: its first lines (npm and many tools say there what
 * went wrong, then print their usage) and its last ones (where test runners and compilers sum up).
 */
export function outputExcerpt(output: string): string {
  const lines = output.trimEnd().split('\n').map(shortLine);
  if (lines.length <= HEAD_LINES + TAIL_LINES) return lines.join('\n');
  const left = lines.length - HEAD_LINES - TAIL_LINES;
  return [...lines.slice(0, HEAD_LINES), `… (${left} lines left out)`, ...lines.slice(-TAIL_LINES)].join('\n');
}

/** Runs the command with `sh`; a timeout or an abort ends its group, and so does the command's own end. */
export async function runShellCommand(input: ShellCommandInput): Promise<ShellCommandEnd> {
  // Loaded when a command runs: a run with no setup step or check to run does not pay execa's import at start-up.
  const { execa } = await import('execa');
  const startedAt = Date.now();
  const child = execa(input.command, {
    shell: true,
    cwd: input.cwd,
    env: input.env,
    extendEnv: false,
    detached: true,
    stdin: 'ignore',
    all: true,
    reject: false,
  });
  if (input.onOutput) child.all?.on('data', input.onOutput);
  let stoppedBy: ShellCommandEnd['stoppedBy'];
  let cancelKill: (() => void) | undefined;
  const stop = (why: 'timeout' | 'abort') => {
    if (stoppedBy !== undefined || child.pid === undefined) return;
    stoppedBy = why;
    cancelKill = terminateGroup(child.pid, KILL_GRACE_MS);
  };
  const timer = setTimeout(() => stop('timeout'), input.timeoutMs);
  const onAbort = () => stop('abort');
  input.signal?.addEventListener('abort', onAbort, { once: true });
  // An abort that came before the listener (while the caller was still getting ready) stops the command at once.
  if (input.signal?.aborted) onAbort();
  try {
    const result = await child;
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      output: typeof result.all === 'string' ? result.all : '',
      stoppedBy,
      durationMs: Date.now() - startedAt,
    };
  } finally {
    clearTimeout(timer);
    cancelKill?.();
    input.signal?.removeEventListener('abort', onAbort);
    // A command is over when it ends: whatever it left running in the background would hold the worktree.
    if (child.pid !== undefined) signalGroupIfAlive(child.pid, 'SIGKILL');
  }
}
