// git's own trace2 event log: every git process baro started, whichever code spawned it, and how long it ran.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const traceSchema = z.union([
  z.object({ event: z.literal('start'), sid: z.string(), time: z.string(), argv: z.array(z.string()) }),
  z.object({ event: z.literal('exit'), sid: z.string(), t_abs: z.number() }),
  z.object({ event: z.string(), sid: z.string() }),
]);
export interface GitProcess {
  readonly label: string;
  readonly start: number;
  readonly ms: number;
}

/** `worktree add`, `merge`… from a git argv, skipping `-c key=value` settings. */
function gitLabel(argv: readonly string[]): string {
  let i = 1;
  while (argv[i]?.startsWith('-')) i += argv[i] === '-c' ? 2 : 1;
  return argv[i] === 'worktree' ? `worktree ${argv[i + 1] ?? ''}` : (argv[i] ?? '?');
}

/** Top-level git processes of a trace2 file (children of git itself are part of their parent's time). */
export async function readGitTrace(path: string): Promise<GitProcess[]> {
  const started = new Map<string, { label: string; start: number }>();
  const done: GitProcess[] = [];
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (line.trim() === '') continue;
    const event = traceSchema.parse(JSON.parse(line));
    if (event.sid.includes('/')) continue;
    if (event.event === 'start' && 'argv' in event)
      started.set(event.sid, { label: gitLabel(event.argv), start: Date.parse(event.time) });
    const begun = started.get(event.sid);
    if (event.event === 'exit' && 't_abs' in event && begun) done.push({ ...begun, ms: event.t_abs * 1000 });
  }
  return done;
}
