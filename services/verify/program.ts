// Whether a check's program can start at all: a missing tool makes the check "not run", never a failure.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

// Commands the shell runs itself: nothing on PATH to find.
const BUILTINS = new Set(['cd', 'test', '[', 'true', 'false', 'echo', 'export', 'set', '.', 'source', 'exit', 'exec']);
const ASSIGNMENT = /^[A-Za-z_]\w*=/;

/** The program a shell command starts: its first word after any `NAME=value` assignments. */
export function programOf(command: string): string | undefined {
  return command
    .trim()
    .split(/\s+/)
    .find((word) => word !== '' && !ASSIGNMENT.test(word));
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/**
 * Why the command's program cannot start — `cargo is not installed (not on PATH)` — or undefined when it can (or is
 * a shell builtin, or the command is too shell-shaped to tell: the shell's exit code 127 covers those).
 */
export async function missingProgram(
  command: string,
  cwd: string,
  path: string | undefined,
): Promise<string | undefined> {
  const program = programOf(command);
  if (program === undefined || BUILTINS.has(program) || /[$`"'(|&;<>]/.test(program)) return undefined;
  if (program.includes('/')) {
    const file = isAbsolute(program) ? program : join(cwd, program);
    return (await isExecutableFile(file)) ? undefined : `${program} is not an executable file in ${cwd}`;
  }
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir !== '' && (await isExecutableFile(join(dir, program)))) return undefined;
  }
  return `${program} is not installed (not on PATH)`;
}
