// @ts-check
// Stdin as the real CLI treats it in print mode: the prompt when none is in argv, else a 3 s wait on an open pipe (docs/claude-cli.md §1).
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';

/** What fd 0 is; `closed` when the parent closed it outright. */
function stdinKind() {
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isSocket() ? 'pipe' : 'other';
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EBADF') return 'closed';
    throw error;
  }
}

/** The whole of stdin as the prompt; undefined on a terminal or a closed fd. @returns {Promise<string | undefined>} */
export async function readStdinPrompt() {
  if (isatty(0) || stdinKind() === 'closed') return undefined;
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

/**
 * With a prompt in argv, an open stdin pipe is waited on until it ends or `ms` pass; false when the time ran out.
 * @param {number} ms
 * @returns {Promise<boolean>}
 */
export async function waitForStdinEof(ms) {
  if (stdinKind() !== 'pipe') return true;
  const ended = await new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    process.stdin.on('data', () => undefined);
    process.stdin.once('end', () => {
      clearTimeout(timer);
      done(true);
    });
  });
  process.stdin.destroy();
  return ended;
}
