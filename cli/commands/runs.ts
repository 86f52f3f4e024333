// `baro runs [--json]`: this repository's runs, newest first, with their status; an interrupted one says how to resume.
import { homedir } from 'node:os';
import type { Writable } from 'node:stream';
import { baroHome } from '../../services/store/paths.js';
import { listRunStates, resumable } from '../../services/store/run-state.js';
import type { ListedRun } from '../../services/store/run-state.js';
import { ExitCode } from '../errors.js';
import { gitRepoRoot } from './run-prepare.js';

export interface RunsIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: Writable;
}

function asJson({ record, state, pid }: ListedRun) {
  return {
    runId: record.runId,
    goal: record.goal,
    status: state,
    branch: record.branch ?? null,
    prUrl: record.prUrl ?? null,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt ?? null,
    pid: pid ?? null,
    resume: resumable(state) ? `baro resume ${record.runId}` : null,
  };
}

function asLine({ record, state, pid }: ListedRun): string {
  const merged = record.stories?.filter((story) => story.status === 'merged').length;
  const stories = record.stories === undefined ? '' : ` ${merged}/${record.stories.length} merged`;
  const lines = [
    `${record.runId}  ${state.padEnd(11)} ${record.startedAt}  ${record.branch ?? '(no branch yet)'}${stories}  "${record.goal}"`,
  ];
  if (record.prUrl) lines.push(`    PR ${record.prUrl}`);
  if (state === 'running') lines.push(`    driven by process ${pid ?? '?'}; \`baro stop ${record.runId}\` stops it`);
  if (resumable(state)) lines.push(`    \`baro resume ${record.runId}\` continues it`);
  return lines.join('\n');
}

export async function runsCommand(
  flags: { readonly json: boolean },
  io: RunsIo = { cwd: process.cwd(), env: process.env, out: process.stdout },
): Promise<number> {
  const repoDir = await gitRepoRoot(io.cwd);
  const runs = await listRunStates(baroHome(io.env, homedir()), repoDir);
  if (flags.json) io.out.write(`${JSON.stringify(runs.map(asJson))}\n`);
  else if (runs.length === 0) io.out.write(`No baro runs of ${repoDir} yet.\n`);
  else io.out.write(`${runs.map(asLine).join('\n')}\n`);
  return ExitCode.succeeded;
}
