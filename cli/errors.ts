// Error classes the CLI maps to exit codes, and how an error is shown to the person at the terminal.

/** Exit codes of docs/cli.md "Exit codes". */
export const ExitCode = {
  succeeded: 0,
  failed: 1,
  usage: 2,
  stopped: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad input (an option value, a plan or config file, not a git repo): shown without a stack, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The option or argument at fault (`--parallel`), when there is one. */
  readonly option: string | undefined;
  readonly value: unknown;

  constructor(message: string, details: { option?: string; value?: unknown; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.option = details.option;
    this.value = details.value;
  }
}

/** The exit code for an error that reached cli/main.ts. */
export function exitCodeForError(error: unknown): ExitCodeValue {
  return error instanceof UsageError ? ExitCode.usage : ExitCode.failed;
}

/**
 * The text for stderr. A UsageError is its message alone (it already says what to do); other errors add their
 * causes. Stacks only when debugging (BARO_DEBUG=1).
 */
export function describeError(error: unknown, options: { debug: boolean }): string {
  if (error instanceof UsageError && !options.debug) {
    return error.message;
  }
  const lines: string[] = [];
  let current: unknown = error;
  // Causes can be cyclic in hand-built errors; a short chain is all a person reads anyway.
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    const text = options.debug && current instanceof Error && current.stack ? current.stack : messageOf(current);
    lines.push(depth === 0 ? text : `  caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  if (!options.debug) {
    lines.push('Set BARO_DEBUG=1 to see the stack trace.');
  }
  return lines.join('\n');
}

function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
