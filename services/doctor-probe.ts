// How `baro doctor` asks the machine: a command run only to read its output, and the version numbers it prints.
import { spawn } from 'node:child_process';

export const PROBE_TIMEOUT_MS = 10_000;

/** Major, minor and patch of the first `x.y(.z)` in a text; undefined when there is none. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

export function atLeast(version: readonly number[], minimum: string): boolean {
  const min = parseVersion(minimum) ?? [0, 0, 0];
  for (let i = 0; i < 3; i += 1) {
    const a = version[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

export interface ProbeResult {
  readonly outcome: 'ok' | 'missing' | 'not-executable' | 'timed-out' | 'failed';
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

// Runs a command only to read its output; a failure is a result to report, not an exception. node:child_process
// rather than execa: `baro run` probes the agent before anything else, and execa's import cost more than the probe.
export function probe(
  file: string,
  args: readonly string[],
  input: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: input.cwd, env: { ...input.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, PROBE_TIMEOUT_MS);
    const done = (outcome: ProbeResult['outcome'], exitCode: number | undefined) => {
      clearTimeout(timer);
      const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8').trim();
      resolve({ outcome, exitCode, stdout: text(out), stderr: text(err) });
    };
    child.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ENOENT' ? 'missing' : error.code === 'EACCES' ? 'not-executable' : 'failed', undefined),
    );
    child.once('close', (code) => {
      if (timedOut) done('timed-out', undefined);
      else done(code === 0 ? 'ok' : 'failed', code ?? undefined);
    });
  });
}

export function describeProbeFailure(command: string, result: ProbeResult): string {
  if (result.outcome === 'missing') return `${command.split(' ')[0] ?? command} not found`;
  const said = firstLine(result.stderr) || firstLine(result.stdout);
  const how = result.exitCode === undefined ? 'failed' : `exited with code ${result.exitCode}`;
  return said === '' ? `\`${command}\` ${how}` : `\`${command}\` ${how}: ${said}`;
}

export function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim().slice(0, 200);
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
