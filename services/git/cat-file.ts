// Many blobs in one git process: `git cat-file --batch` reads object ids on stdin and answers each with its bytes.
import { spawn } from 'node:child_process';
import { GitError } from './errors.js';
import { gitEnv } from './run.js';

const ARGS = ['cat-file', '--batch'];

const gitFailed = (cwd: string, stderr: string, exitCode: number | undefined, cause?: unknown): GitError =>
  new GitError({
    command: `git ${ARGS.join(' ')}`,
    cwd,
    stderr,
    exitCode,
    next: 'check that git is installed and that the repository is readable',
    ...(cause === undefined ? {} : { cause }),
  });

/** Splits cat-file's answers (`<oid> <type> <size>\n<bytes>\n`, or `<oid> missing\n`) into each blob's bytes. */
function parseBatch(output: Buffer): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let at = 0;
  while (at < output.length) {
    const eol = output.indexOf(0x0a, at);
    if (eol < 0) break;
    const [oid = '', type, size] = output.subarray(at, eol).toString().split(' ');
    at = eol + 1;
    if (type === undefined || size === undefined) continue;
    const end = at + Number(size);
    if (type === 'blob') blobs.set(oid, output.subarray(at, end));
    at = end + 1;
  }
  return blobs;
}

/** The bytes of each blob id that names a blob in the repository at cwd. */
export function readBlobs(cwd: string, oids: readonly string[]): Promise<Map<string, Buffer>> {
  if (oids.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn('git', ARGS, { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(gitFailed(cwd, error.message, undefined, error)));
    child.on('close', (code) => {
      if (code === 0) return resolve(parseBatch(Buffer.concat(stdout)));
      reject(gitFailed(cwd, Buffer.concat(stderr).toString(), code ?? undefined));
    });
    // A git that died early closes stdin; its exit code tells the story, not the EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${oids.join('\n')}\n`);
  });
}
